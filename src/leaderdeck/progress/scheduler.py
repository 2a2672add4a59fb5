"""A pure wrapper over `fsrs.Scheduler`: time is passed in, memory is plain numbers.

Times are integer epoch milliseconds, the unit the store keeps. Fuzzing is off: fsrs draws its
fuzz from the module-global `random`, which would make a review depend on hidden state, and a
course of a few hundred items gains little from spreading its reviews over neighbouring days.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import msgspec
from fsrs import Card, Rating, Scheduler, State

from ..errors import LeaderdeckError

DEFAULT_RETENTION = 0.9
MAX_RETENTION = 0.97  # above this, intervals shrink so fast that reviews pile up
DAY_MS = 86_400_000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_ms(moment: datetime) -> int:
    """An aware datetime as integer epoch milliseconds."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass a timezone-aware one")
    return (moment - EPOCH) // timedelta(milliseconds=1)


def from_ms(ms: int) -> datetime:
    """Epoch milliseconds as a UTC datetime of exactly `timezone.utc` (fsrs accepts no other)."""
    return EPOCH + timedelta(milliseconds=ms)


class Memory(msgspec.Struct, frozen=True):
    """What the scheduler knows about one card: its fsrs state and when it is next due."""

    state: State
    step: int | None
    stability: float | None
    difficulty: float | None
    due_ms: int
    last_review_ms: int | None

    @property
    def interval_ms(self) -> int | None:
        """The interval the last review scheduled (due minus last review); None before any review."""
        return None if self.last_review_ms is None else self.due_ms - self.last_review_ms


def new_memory(now_ms: int) -> Memory:
    """A card never reviewed: fsrs has no 'new' state, only Learning at step 0 with no review."""
    return Memory(State.Learning, 0, None, None, now_ms, None)


class Scheduling:
    """FSRS with a chosen desired retention; every method takes the time it should act at."""

    def __init__(self, desired_retention: float = DEFAULT_RETENTION):
        if not 0 < desired_retention <= MAX_RETENTION:
            raise LeaderdeckError(
                f"desired retention {desired_retention} is out of range: choose a value above 0 "
                f"and at most {MAX_RETENTION} (the default is {DEFAULT_RETENTION})")
        self.desired_retention = desired_retention
        self._fsrs = Scheduler(desired_retention=desired_retention, enable_fuzzing=False)
        self._decay = -self._fsrs.parameters[20]
        self._factor = 0.9 ** (1 / self._decay) - 1

    @property
    def forgetting_curve(self) -> tuple[float, float]:
        """(factor, decay) of R = (1 + factor * days / stability) ** decay, for SQL aggregates."""
        return self._factor, self._decay

    def review(self, memory: Memory | None, rating: int, at_ms: int) -> Memory:
        """The memory after a review with `rating` (1 Again … 4 Easy) at `at_ms`."""
        card = _to_card(memory or new_memory(at_ms))
        reviewed, _ = self._fsrs.review_card(card, Rating(rating), from_ms(at_ms))
        return _from_card(reviewed)

    def recall(self, stability: float | None, last_review_ms: int | None, now_ms: int) -> float:
        """Predicted probability of recall now: the FSRS forgetting curve, over whole elapsed days.

        The same formula as `fsrs.Scheduler.get_card_retrievability` (a test holds them equal),
        taking plain numbers so the dashboard can run it over 100,000 cards without building Cards.
        """
        if stability is None or last_review_ms is None:
            return 0.0
        elapsed_days = max(0, (now_ms - last_review_ms) // DAY_MS)
        return (1 + self._factor * elapsed_days / stability) ** self._decay

    def library_recall(self, memory: Memory, now_ms: int) -> float:
        """Recall as fsrs computes it, for checking `recall` against the library."""
        return self._fsrs.get_card_retrievability(_to_card(memory), from_ms(now_ms))


def _to_card(memory: Memory) -> Card:
    # card_id given: without it, Card() sleeps 1 ms to make ids unique
    return Card(card_id=1, state=memory.state, step=memory.step, stability=memory.stability,
                difficulty=memory.difficulty, due=from_ms(memory.due_ms),
                last_review=None if memory.last_review_ms is None else from_ms(memory.last_review_ms))


def _from_card(card: Card) -> Memory:
    last = None if card.last_review is None else to_ms(card.last_review)
    return Memory(State(card.state), card.step, card.stability, card.difficulty, to_ms(card.due), last)
