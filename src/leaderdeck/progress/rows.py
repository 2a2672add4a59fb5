"""The store's rows as values: a review of the log, a card of the cache, what Anki logged, and the
SQL that reads and writes them. Shared by the store (`store.py`), the replay of reviews made
elsewhere (`replay.py`) and corrections (`amend.py`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any, NamedTuple

import msgspec
from fsrs import State

from ..events import Answer
from .catalog import Catalog
from .files import DamagedValue, StoreError
from .scheduler import Memory

Row = tuple[Any, ...]  # a row as sqlite3 returns it: the column types are the database's
BATCH = 500  # keys per `IN (...)` query, well under SQLite's variable limit


class Review(msgspec.Struct, frozen=True):
    """One row of the review log."""

    id: int
    card: str
    kind: str
    origin: str
    reviewed_at_ms: int
    rating: int
    correct: bool
    duration_ms: int
    response: str
    before: Memory | None  # None for a card's first review
    after: Memory


class CardProgress(msgspec.Struct, frozen=True):
    """One row of the card-state cache: the latest memory plus counters fsrs does not keep."""

    card: str
    kind: str
    memory: Memory
    first_review_ms: int
    reps: int
    lapses: int


REVIEW_COLUMNS = (
    "id, card, kind, origin, reviewed_at, rating, correct, duration_ms, response, state_before, "
    "step_before, stability_before, difficulty_before, due_before, last_review_before, "
    "state_after, step_after, stability_after, difficulty_after, due_after")
CARD_COLUMNS = ("card, kind, state, step, stability, difficulty, due, last_review, first_review, "
                "reps, lapses")
ANKI_COLUMNS = "anki_card, anki_ivl, anki_last_ivl, anki_factor, anki_type"


class AnkiRow(NamedTuple):
    """What Anki's review log said about an entry that came from Anki, kept to be written back
    exactly so: its card id there, `ivl`, `lastIvl`, `factor` and `type`."""

    card_id: int
    ivl: int
    last_ivl: int
    factor: int
    type: int


NO_ANKI_ROW = (None,) * 5


class Reschedule(NamedTuple):
    """An Anki log entry that is not an answer (ease 0): "Forget" (`ivl` 0, the card is new again)
    or "Set due date" (`ivl`: days from the card's last review to its new due day)."""

    card: str
    reviewed_at_ms: int
    duration_ms: int
    anki: AnkiRow


class LoggedReview(NamedTuple):
    """A review as a review log elsewhere (Anki's) needs it: states and intervals, not whole memories.
    A `Reschedule` comes as one too, with rating 0 and no states."""

    card: str
    reviewed_at_ms: int
    rating: int
    duration_ms: int
    state_before: int | None  # a `State` value; None for a card's first review
    interval_before_ms: int | None  # what the review before scheduled; None when there was none
    state_after: int
    interval_after_ms: int
    difficulty_after: float | None
    last_review_before: int | None = None
    anki: AnkiRow | None = None  # Anki's own values, for a review that came from Anki
    live: bool = True  # False for a review a correction replaced: it counts nowhere but in revlog ids


_LOGGED_REVIEW_COLUMNS = ("card, reviewed_at, rating, duration_ms, state_before, due_before - last_review_before, "
                          "state_after, due_after - reviewed_at, difficulty_after, last_review_before, "
                          "anki_card, anki_ivl, anki_last_ivl, anki_factor, anki_type")
# A row replaced by a correction ("I was right") stays in the log but counts nowhere: not in
# replays, rebuilds, exports, counts or history (`amends` names it; migration 6).
LIVE = "id NOT IN (SELECT amends FROM reviews WHERE amends IS NOT NULL)"
# Every row, replaced ones too (their `live` is 0). Anki's rows first among reviews sharing a
# millisecond: they keep their own id on export.
LOGGED_REVIEWS = (f"SELECT {_LOGGED_REVIEW_COLUMNS}, {LIVE} FROM reviews "
                  "ORDER BY reviewed_at, anki_card IS NULL, id")
RESCHEDULES = ("SELECT card, reviewed_at, duration_ms, anki_card, anki_ivl, anki_last_ivl, anki_factor, anki_type "
               "FROM reschedules")
REVIEW_AT = f"SELECT {REVIEW_COLUMNS} FROM reviews WHERE card = ? AND reviewed_at = ?"
CARD_OF = f"SELECT {CARD_COLUMNS} FROM cards WHERE card = ?"
INSERT_REVIEW = f"INSERT INTO reviews ({REVIEW_COLUMNS}, {ANKI_COLUMNS}, amends) VALUES ({', '.join(['?'] * 26)})"
_UPSERT_CARD = (f"INSERT INTO cards ({CARD_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (card) DO UPDATE SET "
                + ", ".join(f"{c} = excluded.{c}" for c in CARD_COLUMNS.split(", ")[1:]))


def logged(row: Row) -> LoggedReview:
    anki = None if row[10] is None else AnkiRow(*row[10:15])
    return LoggedReview._make((*row[:10], anki, bool(row[15])))


def logged_reschedule(row: Row) -> LoggedReview:
    card, at, duration, *anki = row
    return LoggedReview(card, at, 0, duration, None, None, 0, 0, None, None, AnkiRow(*anki))


def store_cards(db: sqlite3.Connection, rows: Iterable[tuple[Row, bool]], catalog: Catalog | None) -> None:
    """Write card-cache rows, each with whether the card is new to the cache: a new card takes its
    lesson and concept from `catalog`, or, not listed there, is placed by the next `use_catalog`."""
    rows = list(rows)
    db.executemany(_UPSERT_CARD, (row for row, _ in rows))
    new = [row[0] for row, is_new in rows if is_new]
    listed = [c for c in map(catalog.get, new) if c] if catalog else []
    if listed:
        db.executemany("UPDATE cards SET lesson = ?, concept = ?, present = 1 WHERE card = ?",
                       ((c.lesson, c.concept, c.key) for c in listed))
    if len(listed) < len(new):
        db.execute("DELETE FROM catalog_sync")  # the next `use_catalog` places these cards


def lapsed(before: Memory | None, rating: int) -> int:
    """1 when a review with `rating` after `before` is a lapse (Again on a review card), else 0."""
    return int(rating == 1 and before is not None and before.state == State.Review)


def memory_values(memory: Memory | None) -> Row:
    if memory is None:
        return (None,) * 6
    return (int(memory.state), memory.step, memory.stability, memory.difficulty, memory.due_ms,
            memory.last_review_ms)


def inserted_id(cursor: sqlite3.Cursor) -> int:
    if cursor.lastrowid is None:  # an INSERT always sets it
        raise RuntimeError("the INSERT gave no row id")
    return cursor.lastrowid


class _States(dict[int, State]):
    def __missing__(self, value: object) -> State:
        raise DamagedValue(f"a card state of {value!r} is not one FSRS has")


_STATES = _States({state.value: state for state in State})  # a dict lookup: State(n) costs a µs, per review read


def card_from_row(row: Row | None) -> CardProgress | None:
    if row is None:
        return None
    card, kind, state, step, stability, difficulty, due, last, first, reps, lapses = row
    return CardProgress(card, kind, Memory(_STATES[state], step, stability, difficulty, due, last),
                        first, reps, lapses)


def review_from_row(row: Row) -> Review:
    (id_, card, kind, origin, at, rating, correct, duration, response,
     state_before, step_before, stability_before, difficulty_before, due_before, last_before,
     state_after, step_after, stability_after, difficulty_after, due_after) = row
    before = None if state_before is None else Memory(
        _STATES[state_before], step_before, stability_before, difficulty_before, due_before, last_before)
    after = Memory(_STATES[state_after], step_after, stability_after, difficulty_after, due_after, at)
    return Review(id_, card, kind, origin, at, rating, bool(correct), duration, response, before, after)


MAX_SHIFT_MS = 1000  # a card answered differently in each of 1,000 consecutive ms is not a learner


def slot(db: sqlite3.Connection, key: str, at: int, answer: Answer) -> tuple[int, Review | None]:
    """The millisecond to store `answer` at, or the stored review that is this very answer."""
    for shifted in range(at, at + MAX_SHIFT_MS):
        row = db.execute(REVIEW_AT, (key, shifted)).fetchone()
        if row is None:
            return shifted, None
        stored = review_from_row(row)
        if (stored.rating, stored.correct, stored.response, stored.kind, stored.duration_ms) == (
                int(answer.rating), answer.correct, answer.response, answer.kind, max(0, answer.duration_ms)):
            return shifted, stored
    raise StoreError(f"card {key} already has {MAX_SHIFT_MS} different answers from {at} ms on; "
                     "this answer was not recorded")
