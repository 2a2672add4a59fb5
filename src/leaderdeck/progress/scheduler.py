"""A pure wrapper over `fsrs.Scheduler`: time is passed in, memory is plain numbers.

Times are integer epoch milliseconds, the unit the store keeps. Fuzzing is off: fsrs draws its
fuzz from the module-global `random`, which would make a review depend on hidden state, and a
course of a few hundred items gains little from spreading its reviews over neighbouring days.

Days are counted as Anki counts them (`StudyDays`): a study day begins at the rollover hour in the
learner's time zone, FSRS is given the number of day starts between two reviews rather than whole
24-hour periods, and a review card falls due at the start of its due day. py-fsrs measures
`(review time - last review).days`, so it is handed a last review moved to exactly that many days
before the review; the memory keeps the true time.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo

import msgspec
from fsrs import Card, Rating, Scheduler, State
from fsrs.scheduler import DEFAULT_PARAMETERS

from ..errors import LeaderdeckError

DEFAULT_RETENTION = 0.9
MAX_RETENTION = 0.97  # above this, intervals shrink so fast that reviews pile up
MIN_RETENTION = 0.5  # lower than Anki's options go; far lower (1e-47) overflows FSRS's intervals
DAY_MS = 86_400_000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ROLLOVER_HOUR = 4  # Anki's default "next day starts at"
FSRS6_PARAMETERS = 21
_HOUR_MS = 3_600_000
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_MAX_DAYS_KEPT = 100_000  # day starts memoised per `StudyDays`: 270 years of days


def to_ms(moment: datetime) -> int:
    """An aware datetime as integer epoch milliseconds."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass a timezone-aware one")
    delta = moment - EPOCH  # integer arithmetic on its parts: a third faster than `delta // 1 ms`
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def from_ms(ms: int) -> datetime:
    """Epoch milliseconds as a UTC datetime of exactly `timezone.utc` (fsrs accepts no other)."""
    return EPOCH + timedelta(0, 0, 0, ms)  # positional (days, seconds, µs, ms): keywords cost more


@dataclass(frozen=True)
class StudyDays:
    """How the learner's days are numbered: each begins at `rollover_hour` in `zone` (Anki's
    "next day starts at", 4 am by default). A value passed in, so the core never reads the clock
    or the machine's time zone."""

    zone: tzinfo = UTC
    rollover_hour: int = ROLLOVER_HOUR
    # day → its start: a replay asks for the same few days again and again, and time zone
    # arithmetic costs a microsecond each time (a per-instance memo, not part of the value)
    _starts: dict[int, int] = field(default_factory=dict, init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        if not (isinstance(self.rollover_hour, int) and 0 <= self.rollover_hour <= 23):
            raise LeaderdeckError(f"the hour a new day starts at is {self.rollover_hour!r}: choose a whole "
                                  f"hour from 0 to 23 (the default, as in Anki, is {ROLLOVER_HOUR})")

    def day_of(self, ms: int) -> int:
        """The study day `ms` falls in: the last day that starts at or before it (a proleptic
        ordinal: only differences mean anything). The local clock's date less the rollover hour,
        except that a day never goes back where a clock turned back across the rollover hour."""
        # the day it would be in UTC; a zone's offset (under a day) moves it by at most one
        day = (ms - self.rollover_hour * _HOUR_MS) // DAY_MS + _EPOCH_ORDINAL
        starts = self._starts
        while (starts.get(day) or self.start_of(day)) > ms:
            day -= 1
        while (starts.get(day + 1) or self.start_of(day + 1)) <= ms:
            day += 1
        return day

    def start_of(self, day: int) -> int:
        """When study day `day` begins (its rollover hour on that date in `zone`), epoch ms."""
        start = self._starts.get(day)
        if start is None:
            if len(self._starts) > _MAX_DAYS_KEPT:
                self._starts.clear()
            moment = datetime.combine(date.fromordinal(day), time(self.rollover_hour), tzinfo=self.zone)
            start = self._starts[day] = to_ms(moment)
        return start

    def elapsed_days(self, last_ms: int, now_ms: int) -> int:
        """Days between a review and now as Anki gives them to FSRS: whole days from the review to
        the start of the next study day (`next_day_at - last_review` in Anki), never negative."""
        return max(0, (self.start_of(self.day_of(now_ms) + 1) - last_ms) // DAY_MS)


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
        """Due minus last review; None before any review. A review card is due at the start of a
        study day, so this is its interval in days less the part of the review's day already gone."""
        return None if self.last_review_ms is None else self.due_ms - self.last_review_ms


def new_memory(now_ms: int) -> Memory:
    """A card never reviewed: fsrs has no 'new' state, only Learning at step 0 with no review."""
    return Memory(State.Learning, 0, None, None, now_ms, None)


def fsrs_parameters(values: Sequence[float]) -> tuple[float, ...] | None:
    """FSRS-6's 21 parameters from a set Anki stored: FSRS-6 as it is, FSRS-5's 19 completed as
    Anki completes them (no stability term in same-day reviews, decay 0.5); None for anything
    else (none, or FSRS-4.5's 17), meaning the defaults."""
    values = tuple(float(v) for v in values)
    if len(values) == FSRS6_PARAMETERS:
        return values
    if len(values) == FSRS6_PARAMETERS - 2:
        return (*values, 0.0, 0.5)
    return None


class Scheduling:
    """FSRS with a chosen desired retention and parameters, counting days as `days` says; every
    method takes the time it should act at."""

    def __init__(self, desired_retention: float = DEFAULT_RETENTION, days: StudyDays | None = None,
                 parameters: Sequence[float] | None = None):
        if not MIN_RETENTION <= desired_retention <= MAX_RETENTION:
            raise LeaderdeckError(
                f"desired retention {desired_retention} is out of range: choose a value from {MIN_RETENTION} "
                f"to {MAX_RETENTION} (the default is {DEFAULT_RETENTION})")
        self.desired_retention = desired_retention
        self.days = days or StudyDays()
        try:
            self._fsrs = Scheduler(parameters or DEFAULT_PARAMETERS,
                                   desired_retention=desired_retention, enable_fuzzing=False)
        except ValueError as error:
            raise LeaderdeckError(f"these FSRS parameters cannot be used: {error}") from None
        self.parameters = self._fsrs.parameters
        self._decay = -self._fsrs.parameters[20]
        self._factor = 0.9 ** (1 / self._decay) - 1

    @property
    def forgetting_curve(self) -> tuple[float, float]:
        """(factor, decay) of R = (1 + factor * days / stability) ** decay, for SQL aggregates."""
        return self._factor, self._decay

    def review(self, memory: Memory | None, rating: int, at_ms: int, interval_days: int | None = None) -> Memory:
        """The memory after a review with `rating` (1 Again … 4 Easy) at `at_ms`. A review card is
        due `interval_days` study days later when given (what Anki logged, fuzz included), else
        after the interval FSRS gives."""
        memory = memory or new_memory(at_ms)
        when = from_ms(at_ms)
        card = self._fsrs_card(memory, at_ms, when)
        reviewed = self._fsrs.review_card(card, _RATINGS[rating], when)[0]
        state = reviewed.state
        if state == State.Review:  # a review card is due at the start of a study day
            if not interval_days:
                interval_days = self._interval(card, memory.state, rating, at_ms)
            due = self.days.start_of(self.days.day_of(at_ms) + interval_days)
        else:  # learning steps are minutes from now, not days
            due = to_ms(reviewed.due)
        return Memory(state, reviewed.step, reviewed.stability, reviewed.difficulty, due, at_ms)

    def _interval(self, card: Card, state: State, rating: int, at_ms: int) -> int:
        """Days to the next review, as Anki sets them: FSRS's interval for each passing rating,
        rounded, then Hard < Good < Easy enforced in a review (each at least one day more than
        the one before), and Easy beyond Good when a learning card graduates."""
        when = from_ms(at_ms)

        def days(grade: int) -> int:
            stability = self._fsrs.review_card(card, _RATINGS[grade], when)[0].stability
            # float ** float is typed Any (a negative base gives a complex); these are positive
            interval: float = stability / self._factor * (self.desired_retention ** (1 / self._decay) - 1)
            return min(max(1, math.floor(interval + 0.5)), self._fsrs.maximum_interval)  # Rust's round

        if state != State.Review:
            return days(rating) if rating != Rating.Easy else max(days(Rating.Easy), days(Rating.Good) + 1)
        interval = 0
        for grade in range(Rating.Hard, rating + 1):
            interval = min(max(days(grade), interval + 1), self._fsrs.maximum_interval)
        return interval

    def _fsrs_card(self, memory: Memory, at_ms: int, at: datetime | None = None) -> Card:
        """`memory` as an fsrs Card whose last review lies exactly the study days elapsed before
        `at_ms`, so that fsrs's whole 24-hour periods count what Anki counts. Given `at` (`at_ms`
        as a datetime), it stands for the card's due: fsrs reads no due, in a review or a recall,
        and a replay saves making one per review."""
        last = memory.last_review_ms
        if last is not None:
            last = at_ms - self.days.elapsed_days(last, at_ms) * DAY_MS
        return _to_card(memory, last, from_ms(memory.due_ms) if at is None else at)

    def recall(self, stability: float | None, last_review_ms: int | None, now_ms: int) -> float:
        """Predicted probability of recall now: the FSRS forgetting curve, over elapsed study days.

        The same formula as `fsrs.Scheduler.get_card_retrievability` (a test holds them equal),
        taking plain numbers so the dashboard can run it over 100,000 cards without building Cards.
        """
        if stability is None or last_review_ms is None:
            return 0.0
        elapsed_days = self.days.elapsed_days(last_review_ms, now_ms)
        recall: float = (1 + self._factor * elapsed_days / stability) ** self._decay  # both positive
        return recall

    def library_recall(self, memory: Memory, now_ms: int) -> float:
        """Recall as fsrs computes it, for checking `recall` against the library."""
        return self._fsrs.get_card_retrievability(self._fsrs_card(memory, now_ms), from_ms(now_ms))


class _Card(Card):
    """An fsrs `Card` that copies itself cheaply. `review_card` copies the card it is given
    (through `copy.copy`, which uses `__copy__`); the generic copy took a quarter of a review."""

    def __copy__(self) -> _Card:
        card = object.__new__(_Card)
        card.__dict__.update(self.__dict__)
        return card


def _to_card(memory: Memory, last_review_ms: int | None, due: datetime) -> Card:
    # Card's own __init__ is skipped: it checks nothing these values need, costs a third of the
    # wrapper, and without a card_id it sleeps 1 ms to make ids unique
    card = object.__new__(_Card)
    card.__dict__.update(card_id=1, state=memory.state, step=memory.step, stability=memory.stability,
                         difficulty=memory.difficulty, due=due,
                         last_review=None if last_review_ms is None else from_ms(last_review_ms))
    return card


class _Ratings(dict[int, Rating]):
    def __missing__(self, value: int) -> Rating:
        return Rating(value)  # raises ValueError, as `Rating(n)` would


_RATINGS = _Ratings({rating.value: rating for rating in Rating})  # a dict lookup: `Rating(n)` costs a µs
