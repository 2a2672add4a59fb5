""""I was right": a correction replaces the card's latest review, given at most
`AMEND_WINDOW_MS` before it. The replaced row stays in the log (it is append-only) and counts
nowhere (`rows.LIVE`); the correction is a new row that names it in `amends`, with the memory
before the replaced review as its own memory before."""

from __future__ import annotations

import sqlite3

from ..events import Answer, AnswerRefused
from .catalog import Catalog
from .files import StoreError
from .rows import (
    CARD_OF,
    LIVE,
    MAX_SHIFT_MS,
    REVIEW_COLUMNS,
    Review,
    card_from_row,
    inserted_id,
    lapsed,
    memory_values,
    review_from_row,
    slot,
    store_cards,
)
from .scheduler import Scheduling, to_ms

AMEND_WINDOW_MS = 30 * 60 * 1000  # "I was right" is said while the answer is on screen, not days later


class CorrectionRefused(StoreError, AnswerRefused):
    """A correction that can never be stored: what it replaces is not there to replace, or no
    longer may be. Saving it again cannot help; the answer it meant to replace stays recorded."""


def replace(db: sqlite3.Connection, scheduling: Scheduling, catalog: Catalog | None, key: str, answer: Answer,
            origin: str) -> Review:
    """Store `answer`, which replaces the card's review at `answer.replaces`; return it. A retry of
    a correction already stored returns the stored one; anything else is refused (`replaceable`)."""
    assert answer.replaces is not None
    at, stored = slot(db, key, to_ms(answer.answered_at), answer)
    if stored is not None:
        return stored  # this correction, recorded before (a retry)
    replaced = replaceable(db, key, to_ms(answer.replaces), at)
    progress = card_from_row(db.execute(CARD_OF, (key,)).fetchone())
    assert progress is not None  # the replaced review is the card's latest
    after = scheduling.review(replaced.before, int(answer.rating), at)
    duration = max(0, answer.duration_ms)
    cursor = db.execute(
        f"INSERT INTO reviews ({REVIEW_COLUMNS}, amends) VALUES ({', '.join(['?'] * 21)})",
        (None, key, answer.kind, origin, at, int(answer.rating), int(answer.correct), duration, answer.response,
         *memory_values(replaced.before), *memory_values(after)[:5], replaced.id))
    first = at if progress.first_review_ms == replaced.reviewed_at_ms else progress.first_review_ms
    lapses = progress.lapses - lapsed(replaced.before, replaced.rating) + lapsed(replaced.before, answer.rating)
    store_cards(db, [((key, answer.kind, int(after.state), after.step, after.stability, after.difficulty,
                       after.due_ms, at, first, progress.reps, lapses), False)], catalog)
    return Review(inserted_id(cursor), key, answer.kind, origin, at, int(answer.rating), answer.correct,
                  duration, answer.response, replaced.before, after)


def replaceable(db: sqlite3.Connection, key: str, given_at: int, now: int) -> Review:
    """The card's latest review, stored from `given_at` (shifted at most `MAX_SHIFT_MS`) within
    the amend window before `now`; anything else cannot be replaced and is refused loudly."""
    row = db.execute(f"SELECT {REVIEW_COLUMNS} FROM reviews WHERE card = ? AND {LIVE} ORDER BY reviewed_at DESC "
                     "LIMIT 1", (key,)).fetchone()
    latest = None if row is None else review_from_row(row)
    if latest is None or not given_at <= latest.reviewed_at_ms < given_at + MAX_SHIFT_MS:
        raise CorrectionRefused(f"'I was right' for card {key} cannot replace the answer given at {given_at} ms: "
                                "it is not the card's latest review in the store (the card was answered since)")
    if now - latest.reviewed_at_ms > AMEND_WINDOW_MS:
        raise CorrectionRefused(f"'I was right' for card {key} came more than {AMEND_WINDOW_MS // 60000} minutes "
                                "after the answer, too late to replace it: the answer stays as it was saved")
    if db.execute("SELECT 1 FROM reschedules WHERE card = ? AND reviewed_at >= ?",
                  (key, latest.reviewed_at_ms)).fetchone():
        raise CorrectionRefused(f"'I was right' for card {key} cannot replace the answer given at {given_at} ms: "
                                "Anki rescheduled the card since")
    return latest
