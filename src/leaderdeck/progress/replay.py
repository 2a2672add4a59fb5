"""Reviews made elsewhere (Anki, another copy of the store) merged into the log, and a card
replayed through FSRS in time order from the first review it gains.

A card's review at a millisecond is the same review wherever it comes from (an Anki revlog id is
its time in ms, and our exports use ours), so merging twice adds nothing. A replay starts at the
card's last review before its first new entry: rows before that are never touched, rows after it
get the memories the replay gives, so the card cache is always what a rebuild from the log gives.
The rows a batch of cards needs are gathered and written with a few `executemany` (`Writes`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import msgspec
from fsrs import State

from ..events import Answer
from .catalog import Catalog
from .rows import (
    BATCH,
    CARD_COLUMNS,
    INSERT_REVIEW,
    LIVE,
    MAX_SHIFT_MS,
    NO_ANKI_ROW,
    REVIEW_COLUMNS,
    AnkiRow,
    Reschedule,
    Row,
    lapsed,
    memory_values,
    review_from_row,
    store_cards,
)
from .scheduler import Memory, Scheduling, to_ms


class Imported(NamedTuple):
    """A review made elsewhere, as the log stores it: the card by its key, the time in epoch ms,
    for a review from Anki what Anki logged (kept, and its interval sets the due day), where it
    was made when that differs from the import's origin (another store's reviews keep theirs), and
    for a correction made elsewhere the time of the review it replaces."""

    card: str
    kind: str
    reviewed_at_ms: int
    rating: int
    correct: bool
    duration_ms: int
    response: str = ""
    anki: AnkiRow | None = None
    origin: str | None = None
    replaces_ms: int | None = None

    @classmethod
    def of(cls, answer: Answer, anki: AnkiRow | None = None, origin: str | None = None) -> Imported:
        replaces = to_ms(answer.replaces) if answer.replaces is not None else None
        return cls(str(answer.card), answer.kind, to_ms(answer.answered_at), int(answer.rating), answer.correct,
                   max(0, answer.duration_ms), answer.response, anki, origin, replaces)


@dataclass
class Writes:
    """What replaying some cards writes, gathered to be written together by `flush`."""

    inserts: list[Row] = field(default_factory=list)  # new review rows
    updates: list[Row] = field(default_factory=list)  # replayed memories of stored rows, by id
    cards: list[tuple[Row, bool]] = field(default_factory=list)  # card-cache rows, and whether new
    forgotten: list[tuple[str]] = field(default_factory=list)  # cards Anki made new again

    def flush(self, db: sqlite3.Connection, catalog: Catalog | None) -> None:
        if self.updates:
            db.executemany(f"UPDATE reviews SET {_SET_MEMORY} WHERE id = ?", self.updates)
        if self.inserts:
            db.executemany(INSERT_REVIEW, self.inserts)
        if self.forgotten:
            db.executemany("DELETE FROM cards WHERE card = ?", self.forgotten)
        if self.cards:
            store_cards(db, self.cards, catalog)


_SET_MEMORY = ", ".join(f"{c} = ?" for c in REVIEW_COLUMNS.split(", ")[9:])


def import_reviews(db: sqlite3.Connection, scheduling: Scheduling, catalog: Catalog | None,
                   reviews: Sequence[Imported], origin: str, reschedules: Sequence[Reschedule]) -> int:
    """Merge `reviews` and Anki's "Forget" / "Set due date" entries into the log and replay each
    card that gains any; return how many reviews were new."""
    fresh: dict[str, dict[int, Imported]] = {}
    moved: dict[str, dict[int, Reschedule]] = {}
    stored = _stored_times(db, list({r.card for r in reviews} | {r.card for r in reschedules}))
    added = 0
    for review in reviews:
        at, times = review.reviewed_at_ms, stored.get(review.card, ())
        if at not in times and not (review.anki is not None and _moved(times, at)):
            card = fresh.setdefault(review.card, {})
            added += review.reviewed_at_ms not in card
            card[review.reviewed_at_ms] = review
    for entry in reschedules:
        if db.execute("INSERT OR IGNORE INTO reschedules VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                      (entry.card, entry.reviewed_at_ms, entry.duration_ms, *entry.anki)).rowcount:
            moved.setdefault(entry.card, {})[entry.reviewed_at_ms] = entry
    writes = Writes()
    for key in {**fresh, **moved}:
        merge_card(db, scheduling, writes, key, fresh.get(key, {}), origin, key in stored, bool(moved.get(key)))
    writes.flush(db, catalog)
    return added


def _moved(times: set[int] | tuple[()], at: int) -> bool:
    """Whether an Anki review at `at` is one of ours (at one of `times`) that an export moved a
    few ms on, to give each review of a shared millisecond its own revlog id. `moved_reviews`
    names them, but only as the log stands now: a review merged into that millisecond since (from
    Anki, whose rows keep their ids) moves ours again. Anki cannot log two answers to one card
    within `MAX_SHIFT_MS` (a second), so its review that close after a stored one is that one."""
    if len(times) < MAX_SHIFT_MS:  # whichever is fewer: the card's times, or the ms before `at`
        return any(at - MAX_SHIFT_MS < stored < at for stored in times)
    return any(before in times for before in range(at - MAX_SHIFT_MS + 1, at))


def _stored_times(db: sqlite3.Connection, keys: Sequence[str]) -> dict[str, set[int]]:
    """Card → the times of its stored reviews, for the cards among `keys` that have any."""
    stored: dict[str, set[int]] = {}
    for start in range(0, len(keys), BATCH):
        batch = keys[start:start + BATCH]
        for key, at in db.execute(f"SELECT card, reviewed_at FROM reviews WHERE card IN ({','.join('?' * len(batch))})",
                                  batch):
            stored.setdefault(key, set()).add(at)
    return stored


def merge_card(db: sqlite3.Connection, scheduling: Scheduling, writes: Writes, key: str, new: dict[int, Imported],
               origin: str, has_reviews: bool = True, rescheduled: bool = True) -> None:
    """Replay `key` from its first new entry (reviews in `new`, or reschedules already stored),
    adding what changes to `writes`."""
    rows = db.execute(f"SELECT {REVIEW_COLUMNS}, anki_ivl FROM reviews WHERE card = ? AND {LIVE} "
                      "ORDER BY reviewed_at", (key,)).fetchall() if has_reviews else []
    logged = [review_from_row(row[:20]) for row in rows]
    anki_ivl = {row[4]: row[20] for row in rows if row[20] is not None}
    # corrections merged from another log replace the reviews they corrected, if here and live
    replaced = {entry.replaces_ms for entry in new.values() if entry.replaces_ms is not None}
    superseded = {r.reviewed_at_ms: r.id for r in logged if r.reviewed_at_ms in replaced}
    logged = [r for r in logged if r.reviewed_at_ms not in superseded]
    shifts = dict(db.execute("SELECT reviewed_at, anki_ivl FROM reschedules WHERE card = ?", (key,))) \
        if rescheduled or has_reviews else {}
    starts = [*new, *superseded] or [*shifts]
    if not starts:
        return
    start = min(starts)
    kept = [r for r in logged if r.reviewed_at_ms < start]
    later = {r.reviewed_at_ms: r for r in logged if r.reviewed_at_ms >= start}
    memory = kept[-1].after if kept else None
    since = kept[-1].reviewed_at_ms if kept else -1
    for at in sorted(at for at in shifts if since <= at < start):
        memory = rescheduled_memory(scheduling, memory, at, shifts[at])
    lapses = sum(lapsed(r.before, r.rating) for r in kept)
    events = sorted([(at, 0) for at in [*new, *later]] + [(at, 1) for at in shifts if at >= start])
    review, inserts, updates = scheduling.review, writes.inserts, writes.updates
    values_after = memory_values(memory)
    for at, is_reschedule in events:
        if is_reschedule:
            memory = rescheduled_memory(scheduling, memory, at, shifts[at])
            values_after = memory_values(memory)
            continue
        entry = new.get(at)
        rating = later[at].rating if entry is None else entry.rating
        ivl = anki_ivl.get(at) if entry is None else (entry.anki.ivl if entry.anki else None)
        # a review card falls due on the day Anki logged (fuzz and load balance included)
        before, memory = memory, review(memory, rating, at, ivl if ivl and ivl > 0 else None)
        lapses += lapsed(before, rating)
        values_before, values_after = values_after, memory_values(memory)
        values = (*values_before, *values_after[:5])  # after.last_review_ms is reviewed_at
        if entry is None:
            updates.append((*values, later[at].id))
        else:
            amends = superseded.get(entry.replaces_ms) if entry.replaces_ms is not None else None
            inserts.append((None, key, entry.kind, entry.origin or origin, at, entry.rating, int(entry.correct),
                            entry.duration_ms, entry.response, *values, *(entry.anki or NO_ANKI_ROW), amends))
    if memory is None:  # forgotten in Anki and not answered since: a new card again
        writes.forgotten.append((key,))
        return
    first = min(start, logged[0].reviewed_at_ms) if logged else start
    if superseded:  # a replaced first review is not the card's first any more
        first = min([*new, *(r.reviewed_at_ms for r in logged[:1])])
    kind = logged[-1].kind if logged else next(iter(new.values())).kind
    is_new = not logged or (bool(shifts) and not db.execute(
        "SELECT 1 FROM cards WHERE card = ?", (key,)).fetchone())  # forgotten before: placed again
    writes.cards.append(((key, kind, int(memory.state), memory.step, memory.stability, memory.difficulty,
                          memory.due_ms, memory.last_review_ms, first, len(logged) + len(new), lapses), is_new))


def rescheduled_memory(scheduling: Scheduling, memory: Memory | None, at: int, ivl: int) -> Memory | None:
    """The memory after Anki's "Forget" (ivl 0: none, a new card) or "Set due date" (the memory
    kept, due `ivl` days after the last review, as Anki with FSRS logs it, never before `at`'s day)."""
    if ivl <= 0 or memory is None:
        return None if ivl <= 0 else memory
    days = scheduling.days
    last = memory.last_review_ms if memory.last_review_ms is not None else at
    due = max(days.day_of(at), days.day_of(last) + ivl)
    return msgspec.structs.replace(memory, due_ms=days.start_of(due))


# The latest review by time, not by row id: reviews imported from Anki can be older than rows
# logged before them.
_REBUILD = f"""
INSERT INTO cards ({CARD_COLUMNS})
SELECT r.card, r.kind, r.state_after, r.step_after, r.stability_after, r.difficulty_after,
       r.due_after, r.reviewed_at, a.first_review, a.reps, a.lapses
FROM (SELECT card, max(reviewed_at) AS last_at, min(reviewed_at) AS first_review, count(*) AS reps,
             count(CASE WHEN rating = 1 AND state_before = {State.Review.value} THEN 1 END) AS lapses
      FROM reviews WHERE {LIVE} GROUP BY card) AS a
JOIN reviews AS r ON r.card = a.card AND r.reviewed_at = a.last_at AND r.{LIVE}
"""


def rebuild(db: sqlite3.Connection, scheduling: Scheduling) -> int:
    """Recompute the card-state cache from the log; return the number of cards."""
    db.execute("DELETE FROM cards")
    db.execute(_REBUILD)
    db.execute("DELETE FROM catalog_sync")  # lesson, concept and presence are recopied
    writes = Writes()
    for (key,) in db.execute("SELECT DISTINCT card FROM reschedules").fetchall():
        merge_card(db, scheduling, writes, key, {}, "anki")  # Anki's forget / set due date, applied again
    writes.flush(db, None)
    return int(db.execute("SELECT count(*) FROM cards").fetchone()[0])
