"""Today's review queue across lessons: a pure function of the store's answers and the time.

Due cards come first, most overdue first; then new cards, chosen in teaching order up to what is
left of the daily limit. Kinds are interleaved so the learner does not meet five clozes in a row,
and a card's siblings (a flashcard's reverse, a cloze's other deletions) wait until the end, so
one card never shows the answer to the next.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..identity import note_of_card
from .catalog import Catalog, CatalogCard
from .scheduler import to_ms
from .store import ProgressStore

NEW_PER_DAY = 20  # new cards introduced per day, across all lessons
LOOKAHEAD = 4  # how far past the most overdue card we look for one of a different kind


@dataclass(frozen=True)
class QueuedCard:
    card: CatalogCard
    due_ms: int | None  # None for a card never reviewed

    @property
    def is_new(self) -> bool:
        return self.due_ms is None


def interleave_kinds(cards: Sequence[QueuedCard], lookahead: int = LOOKAHEAD) -> list[QueuedCard]:
    """Keep priority order, but take the first card of a different kind than the one before
    when one is within `lookahead` places; a card never moves back, only others forward."""
    waiting = list(cards)
    ordered: list[QueuedCard] = []
    while waiting:
        previous = ordered[-1].card.kind if ordered else None
        window = waiting[: lookahead + 1]
        pick = next((i for i, c in enumerate(window) if c.card.kind != previous), 0)
        ordered.append(waiting.pop(pick))
    return ordered


def spread_siblings(cards: Sequence[QueuedCard]) -> list[QueuedCard]:
    """The first card of each note where it was; later cards of the same note moved to the end."""
    seen: set[str] = set()
    first: list[QueuedCard] = []
    later: list[QueuedCard] = []
    for queued in cards:
        note = note_of_card(queued.card.key)
        (later if note in seen else first).append(queued)
        seen.add(note)
    return first + later


def new_allowance(new_per_day: int, introduced_today: int) -> int:
    return max(0, new_per_day - introduced_today)


def build_queue(catalog: Catalog, due: Sequence[tuple[str, int]], new_keys: Sequence[str]) -> list[QueuedCard]:
    """Due cards (given most overdue first), then new ones (given in teaching order), siblings
    spread apart and kinds interleaved."""
    reviews = [QueuedCard(catalog.by_key[key], due_ms) for key, due_ms in due if key in catalog]
    fresh = [QueuedCard(catalog.by_key[key], None) for key in new_keys if key in catalog]
    return interleave_kinds(spread_siblings(reviews + fresh))


def day_start(now: datetime) -> datetime:
    """Midnight of `now`'s day in `now`'s own time zone: where the calendar's days begin (the
    dashboard's charts). Study days begin at the rollover hour: `StudyDays`."""
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def todays_queue(store: ProgressStore, catalog: Catalog, now: datetime, *,
                 new_per_day: int = NEW_PER_DAY, limit: int = 500) -> list[QueuedCard]:
    """Everything to study at `now`: due reviews (a review card is due from the start of its
    study day, as in Anki), then today's remaining new cards; the daily new limit resets when
    the store's study day begins (the rollover hour), not at midnight."""
    now_ms = to_ms(now)
    days = store.scheduling.days
    due = store.due(now_ms, limit, present=catalog)
    introduced = store.introduced_since(days.start_of(days.day_of(now_ms)), present=catalog)
    allowance = min(new_allowance(new_per_day, introduced), max(0, limit - len(due)))
    new_keys = store.unseen(catalog.keys, allowance) if allowance else []
    return build_queue(catalog, due, new_keys)


def describe_wait(next_due: datetime | None, now: datetime) -> str:
    """'in 10 minutes (at 14:32)', 'tomorrow at 09:15', 'on Mon 3 Jun at 09:15'."""
    if next_due is None:
        return "when you have studied a lesson: nothing is scheduled yet"
    local = next_due.astimezone(now.tzinfo)
    wait = local - now
    if wait <= timedelta(0):
        return "now"
    if wait < timedelta(hours=1):
        minutes = max(1, round(wait / timedelta(minutes=1)))
        return f"in {minutes} minute{'s' * (minutes != 1)} (at {local:%H:%M})"
    days = (local.date() - now.date()).days
    if days == 0:
        return f"today at {local:%H:%M}"
    if days == 1:
        return f"tomorrow at {local:%H:%M}"
    return f"on {local:%a} {local.day} {local:%b} at {local:%H:%M}"


def review_status(total: int, new: int, done: int, next_due: datetime | None, now: datetime) -> str:
    """The one line above the review: how many are due, how many are done, when the next is due."""
    if total == 0:
        return f"Nothing is due now. Come back {describe_wait(next_due, now)}."
    new_part = f" ({new} new)" if new else ""
    if done < total:
        return f"{total} due now{new_part} · {done} done · {total - done} to go."
    return f"All {total} done. The next review is due {describe_wait(next_due, now)}."
