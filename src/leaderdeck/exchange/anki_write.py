"""The learner's progress as Anki scheduling: card columns and review-log rows. Pure: the caller
passes the time zone; nothing here reads the clock.

Anki keeps a review card's due date as a day number counted from the collection's creation
(`crt`), where days begin at the rollover hour (4 am) in the learner's time zone; when importing
with "import any learning progress" it shifts those numbers by the difference between the
package's "today" and the target collection's, so a card due in three days stays due in three
days. Learning cards are due at an epoch second and are not shifted. FSRS memory goes into
`cards.data` as Anki writes it: stability `s`, difficulty `d`, desired retention `dr`, the
forgetting curve's `decay` and the last review time `lrt` (seconds).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

import msgspec
from fsrs import Scheduler, State

from ..decks.package import CardRow, RevlogRow
from ..progress.scheduler import DAY_MS, Memory
from ..progress.store import CardProgress, LoggedReview

DAY_S = 86_400
ROLLOVER_HOUR = 4  # Anki's default start of the day
# Anki's card types and queues (`cards.type`, `cards.queue`) and review kinds (`revlog.type`)
TYPE_LEARN, TYPE_REVIEW, TYPE_RELEARN = 1, 2, 3
QUEUE_LEARN, QUEUE_REVIEW, QUEUE_DAY_LEARN = 1, 2, 3
REVLOG_LEARN, REVLOG_REVIEW, REVLOG_RELEARN = 0, 1, 2
DEFAULT_EASE = 2500  # SM-2's starting ease, what Anki stores on FSRS cards too
MAX_ANSWER_MS = 60_000  # Anki caps the time it logs for one answer

# Our `Scheduling` uses fsrs's default learning and relearning steps and parameters.
_FSRS = Scheduler()
_STEPS = {State.Learning: len(_FSRS.learning_steps), State.Relearning: len(_FSRS.relearning_steps)}
_DECAY = _FSRS.parameters[20]


@dataclass(frozen=True)
class AnkiDays:
    """Anki's day numbers for a collection created at `created_s` without a `creationOffset`
    (Anki's "v2 legacy" cutoff, which is what our packages get): day 0 starts at the rollover
    hour of the creation date, in the learner's time zone."""

    created_s: int
    utc_offset_s: int  # the learner's offset east of UTC, e.g. 3600 for UTC+1
    rollover_hour: int = ROLLOVER_HOUR

    def day_of(self, ms: int) -> int:
        local_created = self.created_s + self.utc_offset_s
        start = local_created - local_created % DAY_S + self.rollover_hour * 3600 - self.utc_offset_s
        return (ms // 1000 - start) // DAY_S


def scheduled_card(card: CardRow, progress: CardProgress, days: AnkiDays, retention: float) -> CardRow:
    """`card` (new, as compiled) carrying the learner's scheduling, counters and FSRS memory."""
    memory = progress.memory
    card_type, queue, due, ivl, left = _schedule(memory, days)
    # Positional (CardRow's column order), not `_replace`: this runs once per studied card exported.
    return CardRow(card.id, card.nid, card.did, card.ord, card.mod, card.usn, card_type, queue, due, ivl,
                   DEFAULT_EASE, progress.reps, progress.lapses, left, card.odue, card.odid, card.flags,
                   _card_data(memory, card.due, retention))


def _schedule(memory: Memory, days: AnkiDays) -> tuple[int, int, int, int, int]:
    """Anki's type, queue, due, interval and steps left for a card with this memory."""
    if memory.state == State.Review:  # the interval in whole study days, as Anki counts it
        due = days.day_of(memory.due_ms)
        ivl = due - days.day_of(memory.last_review_ms) if memory.last_review_ms is not None else 1
        return TYPE_REVIEW, QUEUE_REVIEW, due, max(1, ivl), 0
    card_type = TYPE_LEARN if memory.state == State.Learning else TYPE_RELEARN
    left = max(1, _STEPS[memory.state] - (memory.step or 0))
    ivl = 0 if memory.state == State.Learning else 1
    if (memory.interval_ms or 0) < DAY_MS:
        return card_type, QUEUE_LEARN, memory.due_ms // 1000, ivl, left
    return card_type, QUEUE_DAY_LEARN, days.day_of(memory.due_ms), ivl, left


def _card_data(memory: Memory, position: int, retention: float) -> str:
    stability, difficulty, last = memory.stability, memory.difficulty, memory.last_review_ms
    data = {"pos": position, "s": None if stability is None else round(stability, 4),
            "d": None if difficulty is None else round(difficulty, 3),
            "dr": retention, "decay": _DECAY, "lrt": None if last is None else last // 1000}
    # Anki reads each of these as optional: one not known yet is left out, not null.
    # Compact JSON, as Anki writes it; 8x json.dumps's speed.
    return msgspec.json.encode({k: v for k, v in data.items() if v is not None}).decode()


def revlog_ids(reviews: Iterable[LoggedReview]) -> Iterator[tuple[LoggedReview, int]]:
    """Each review of the whole log (in time order, replaced reviews included) with its Anki
    revlog id: its time in ms, or, when an earlier review already has that id (two answers in one
    ms), the next free one. The rule depends on nothing but the log, so an import can tell a
    moved review (`moved_reviews`); a replaced review keeps its id taken, so a correction made
    after an export moves no review that export wrote."""
    last = -1
    for review in reviews:
        # the log is in time order: every id taken is at most `last`, and all from this review's
        # time up to `last` are taken, so the next free one is `last + 1`
        last = review.reviewed_at_ms if review.reviewed_at_ms > last else last + 1
        yield review, last


def moved_reviews(reviews: Iterable[LoggedReview]) -> dict[tuple[str, int], int]:
    """(card key, revlog id) → the review's own time, for the reviews an export writes under
    another millisecond: what lets `import-anki` recognise them as the reviews they are."""
    return {(review.card, at): review.reviewed_at_ms for review, at in revlog_ids(reviews)
            if at != review.reviewed_at_ms and review.live}


def revlog_rows(reviews: Iterable[LoggedReview], card_ids: Mapping[str, int], days: AnkiDays) -> Iterator[RevlogRow]:
    """Anki review-log rows for the reviews (the whole log, in time order) of the cards in
    `card_ids` (card key → Anki card id); other reviews, and replaced ones, are left out. Lazily:
    a large log is never held whole. A row that came from Anki is written back as Anki wrote it."""
    for review, at in revlog_ids(reviews):
        card_id = card_ids.get(review.card)
        if card_id is not None and review.live:
            anki = review.anki
            if anki is not None:
                yield RevlogRow(at, card_id, -1, review.rating, anki.ivl, anki.last_ivl, anki.factor,
                                review.duration_ms, anki.type)
            else:
                yield _revlog_row(at, card_id, review, days)


def _revlog_row(at: int, card_id: int, review: LoggedReview, days: AnkiDays) -> RevlogRow:
    # Positional, and the helpers below kept plain: this runs once per review exported.
    reviewed = review.reviewed_at_ms
    last = review.last_review_before
    return RevlogRow(at, card_id, -1, review.rating,
                     _anki_interval(review.state_after, reviewed, review.interval_after_ms, days),
                     _anki_interval(review.state_before, last if last is not None else reviewed,
                                    review.interval_before_ms, days),
                     _difficulty_factor(review.difficulty_after), min(review.duration_ms, MAX_ANSWER_MS),
                     _review_kind(review.state_before))


def _anki_interval(state: int | None, since_ms: int, interval_ms: int | None, days: AnkiDays) -> int:
    """Days when positive (whole study days, as Anki counts them: an evening review's interval
    is not a day short), seconds when negative (learning steps), as Anki logs `ivl`/`lastIvl`."""
    if interval_ms is None:
        return 0
    if state == State.Review:
        return max(1, days.day_of(since_ms + interval_ms) - days.day_of(since_ms))
    return -max(1, round(interval_ms / 1000))


def _difficulty_factor(difficulty: float | None) -> int:
    """With FSRS, Anki logs difficulty (1–10) in the `factor` column, mapped onto 100–1100."""
    return round(((difficulty or 1) - 1) / 9 * 1000 + 100)


def _review_kind(state_before: int | None) -> int:
    if state_before is None or state_before == State.Learning:
        return REVLOG_LEARN
    return REVLOG_REVIEW if state_before == State.Review else REVLOG_RELEARN
