"""The progress store: one SQLite file holding the review log and each card's current state.

The log (`reviews`) is append-only and is the truth; `cards` caches each card's latest memory and
can be rebuilt from the log at any time. Every write is one short `BEGIN IMMEDIATE` transaction
in WAL mode: a process killed mid-write loses at most the review it was writing, and two
processes answering at once take turns (waiting up to the busy timeout) instead of losing one.
`synchronous=NORMAL` survives any process crash; only a power cut can cost the last reviews.
"""

from __future__ import annotations

import heapq
import math
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Container, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

import msgspec
from fsrs import State

from ..events import Answer
from . import migrations
from .catalog import Catalog
from .files import (
    DamagedValue,
    StoreDamagedError,
    StoreError,
    StoreLockedError,
    connect,
    read_only_message,
    refuse_newer,
    translated_errors,
    verify,
)
from .migrations import migrate
from .scheduler import DAY_MS, DEFAULT_RETENTION, Memory, Scheduling, StudyDays, to_ms

STORE_FILE = "progress.sqlite3"
# Called with the store's path after every committed write: the browser edition copies the file
# to IndexedDB there (`leaderdeck.site.browser`).
AFTER_COMMIT: list[Callable[[Path], None]] = []
BUSY_TIMEOUT_SECONDS = 3.0
_BATCH = 500  # keys per `IN (...)` query, well under SQLite's variable limit
Row = tuple[Any, ...]  # a row as sqlite3 returns it: the column types are the database's


__all__ = ["StoreDamagedError", "StoreError", "StoreLockedError", "ProgressStore", "open_store",
           "default_store_path"]


def default_store_path() -> Path:
    """`$LEADERDECK_HOME/progress.sqlite3`, else the same file in the platform's user data folder."""
    home = os.environ.get("LEADERDECK_HOME")
    if home:
        return Path(home).expanduser() / STORE_FILE
    import platformdirs  # only the default location needs it

    return Path(platformdirs.user_data_dir("leaderdeck", appauthor=False)) / STORE_FILE


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


_REVIEW_COLUMNS = (
    "id, card, kind, origin, reviewed_at, rating, correct, duration_ms, response, state_before, "
    "step_before, stability_before, difficulty_before, due_before, last_review_before, "
    "state_after, step_after, stability_after, difficulty_after, due_after")
_CARD_COLUMNS = ("card, kind, state, step, stability, difficulty, due, last_review, first_review, "
                 "reps, lapses")


class AnkiRow(NamedTuple):
    """What Anki's review log said about an entry that came from Anki, kept to be written back
    exactly so: its card id there, `ivl`, `lastIvl`, `factor` and `type`."""

    card_id: int
    ivl: int
    last_ivl: int
    factor: int
    type: int


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


_LOGGED_REVIEW_COLUMNS = ("card, reviewed_at, rating, duration_ms, state_before, due_before - last_review_before, "
                          "state_after, due_after - reviewed_at, difficulty_after, last_review_before, "
                          "anki_card, anki_ivl, anki_last_ivl, anki_factor, anki_type")
# Anki's rows first among reviews sharing a millisecond: they keep their own id on export.
# A row replaced by a correction ("I was right") stays in the log but counts nowhere: not in
# replays, rebuilds, exports, counts or history (`amends` names it; migration 6).
_LIVE = "id NOT IN (SELECT amends FROM reviews WHERE amends IS NOT NULL)"
_LOGGED_REVIEWS = (f"SELECT {_LOGGED_REVIEW_COLUMNS} FROM reviews WHERE {_LIVE} "
                   "ORDER BY reviewed_at, anki_card IS NULL, id")
_RESCHEDULES = ("SELECT card, reviewed_at, duration_ms, anki_card, anki_ivl, anki_last_ivl, anki_factor, anki_type "
                "FROM reschedules")


def _logged(row: Row) -> LoggedReview:
    anki = None if row[10] is None else AnkiRow(*row[10:])
    return LoggedReview._make((*row[:10], anki))


def _logged_reschedule(row: Row) -> LoggedReview:
    card, at, duration, *anki = row
    return LoggedReview(card, at, 0, duration, None, None, 0, 0, None, None, AnkiRow(*anki))


def open_store(path: Path | str | None = None, *, desired_retention: float | None = None,
               busy_timeout: float = BUSY_TIMEOUT_SECONDS, days: StudyDays | None = None,
               parameters: Sequence[float] | None = None) -> ProgressStore:
    """Open (creating or upgrading as needed) the progress store at `path` or the default place.
    Files that are not ours, damaged, empty or newer are refused and left as they were (`files`).
    `days` says when the learner's days begin (default: 4 am UTC, at the hour `import-anki` saved);
    `parameters` are FSRS's and `desired_retention` its target, each by default what `import-anki`
    saved from the learner's collection, else FSRS's defaults."""
    path = Path(path).expanduser() if path is not None else default_store_path()
    Scheduling(desired_retention or DEFAULT_RETENTION, days, parameters)  # bad values refused before opening
    connection, read_only = connect(path, busy_timeout)
    store = ProgressStore(path, connection, Scheduling(), busy_timeout, read_only=read_only)
    with translated_errors(path, busy_timeout):
        try:
            _ensure_math(connection)
            if not read_only:
                store._prepare()
            saved: dict[str, Any] = store.saved_settings()
            hour = saved.get("rollover_hour")
            store.scheduling = Scheduling(
                desired_retention or saved.get("desired_retention") or DEFAULT_RETENTION,
                days or (StudyDays(rollover_hour=hour) if isinstance(hour, int) else None),
                parameters or saved.get("fsrs_parameters") or None)
        except BaseException:
            connection.close()
            raise
    return store


def _ensure_math(connection: sqlite3.Connection) -> None:
    """The dashboard's recall sum uses SQL `pow`, which some SQLite builds leave out
    (SQLITE_ENABLE_MATH_FUNCTIONS): supply it from Python there, keep the native one elsewhere."""
    try:
        connection.execute("SELECT pow(2, 2)")
    except sqlite3.OperationalError:
        connection.create_function("pow", 2, math.pow, deterministic=True)


class ProgressStore:
    """Reads and writes one store. Safe to share between threads; open one per process."""

    def __init__(self, path: Path, connection: sqlite3.Connection, scheduling: Scheduling,
                 busy_timeout: float, *, read_only: bool = False):
        self.path = path
        self.scheduling = scheduling
        self.read_only = read_only  # opened immutable: the file was not writable
        self._db = connection
        self._busy_timeout = busy_timeout
        self._lock = threading.RLock()
        self._catalog: Catalog | None = None
        self._verified = False  # `quick_check` passed in this process: writing is safe

    def _prepare(self) -> None:
        """Check again on the read-write connection, then make it WAL and migrate, verifying the
        file first when either would write."""
        db = self._db
        refuse_newer(self.path, db.execute("PRAGMA user_version").fetchone()[0])
        known = migrations.MIGRATIONS  # looked up now, so tests can add a migration
        wal = db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        if not wal or migrations.pending(db, known):
            self._verify()
        if not wal:
            db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        migrate(db, time.time_ns() // 1_000_000, known)

    def _verify(self) -> None:
        if not self._verified:
            verify(self._db, self.path)
            self._verified = True

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> ProgressStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        with self._lock, translated_errors(self.path, self._busy_timeout):
            yield self._db

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it is committed, or none of it."""
        if self.read_only:
            raise StoreError(read_only_message(self.path))
        with self._reading() as db:
            self._verify()
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
                db.execute("COMMIT")  # inside: a failed commit (disk full) must roll back too
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
        for hook in AFTER_COMMIT:
            hook(self.path)

    # -- writing ---------------------------------------------------------------------------

    def record(self, answer: Answer, origin: str = "leaderdeck") -> Review:
        """Append the answer to the log and update its card; return the stored review.

        (card, reviewed_at ms) identifies a review. Recording the same answer again (same card,
        millisecond, rating and response: a retry) stores nothing and returns the stored review.
        A different answer to the card in a millisecond already taken is stored in the next free
        millisecond, so an acknowledged answer is always a row of the log.

        An answer that `replaces` an earlier one ("I was right" after a miss) is a new row that
        supersedes the card's latest review, given at that time and at most `AMEND_WINDOW_MS`
        before: the card counts one review, the corrected one (`_replace`)."""
        key = str(answer.card)
        with self._writing() as db:
            if answer.replaces is not None:
                return self._replace(db, key, answer, origin)
            at, stored = _slot(db, key, to_ms(answer.answered_at), answer)
            if stored is not None:
                return stored
            progress = _card_from_row(db.execute(
                f"SELECT {_CARD_COLUMNS} FROM cards WHERE card = ?", (key,)).fetchone())
            last = progress.memory.last_review_ms if progress else None
            if last is None or at >= last:
                return self._append(db, key, at, answer, origin, progress)
            # Another process committed a later review of this card first: replay the card in
            # time order, so the cache stays what a rebuild from the log would give.
            self._merge_card(db, key, {at: (answer, None, origin)})
            return _review_from_row(db.execute(_REVIEW_AT, (key, at)).fetchone())

    def _append(self, db: sqlite3.Connection, key: str, at: int, answer: Answer, origin: str,
                progress: CardProgress | None) -> Review:
        before = progress.memory if progress else None
        after = self.scheduling.review(before, int(answer.rating), at)
        cursor = db.execute(
            f"INSERT INTO reviews ({_REVIEW_COLUMNS}) VALUES ({', '.join(['?'] * 20)})",
            (None, key, answer.kind, origin, at, int(answer.rating), int(answer.correct),
             max(0, answer.duration_ms), answer.response, *_memory_values(before),
             *_memory_values(after)[:5]))  # after.last_review_ms is reviewed_at
        self._store_card(db, _next_card_row(key, answer, progress, after, at), progress is None)
        return Review(_inserted_id(cursor), key, answer.kind, origin, at, int(answer.rating),
                      answer.correct, max(0, answer.duration_ms), answer.response, before, after)

    def _replace(self, db: sqlite3.Connection, key: str, answer: Answer, origin: str) -> Review:
        assert answer.replaces is not None
        at, stored = _slot(db, key, to_ms(answer.answered_at), answer)
        if stored is not None:
            return stored  # this correction, recorded before (a retry)
        replaced = _replaceable(db, key, to_ms(answer.replaces), at)
        progress = _card_from_row(db.execute(f"SELECT {_CARD_COLUMNS} FROM cards WHERE card = ?", (key,)).fetchone())
        assert progress is not None  # the replaced review is the card's latest
        after = self.scheduling.review(replaced.before, int(answer.rating), at)
        cursor = db.execute(
            f"INSERT INTO reviews ({_REVIEW_COLUMNS}, amends) VALUES ({', '.join(['?'] * 21)})",
            (None, key, answer.kind, origin, at, int(answer.rating), int(answer.correct), max(0, answer.duration_ms),
             answer.response, *_memory_values(replaced.before), *_memory_values(after)[:5], replaced.id))
        first = at if progress.first_review_ms == replaced.reviewed_at_ms else progress.first_review_ms
        lapses = progress.lapses - _lapsed(replaced.before, replaced.rating) + _lapsed(replaced.before, answer.rating)
        self._store_card(db, (key, answer.kind, int(after.state), after.step, after.stability, after.difficulty,
                              after.due_ms, at, first, progress.reps, lapses), False)
        return Review(_inserted_id(cursor), key, answer.kind, origin, at, int(answer.rating), answer.correct,
                      max(0, answer.duration_ms), answer.response, replaced.before, after)

    def _store_card(self, db: sqlite3.Connection, row: Row, is_new: bool) -> None:
        db.execute(f"INSERT INTO cards ({_CARD_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?) "
                   f"ON CONFLICT (card) DO UPDATE SET {_UPDATE_CARD}", row)
        listed = self._catalog.get(row[0]) if is_new and self._catalog else None
        if listed:
            db.execute("UPDATE cards SET lesson = ?, concept = ?, present = 1 WHERE card = ?",
                       (listed.lesson, listed.concept, row[0]))
        elif is_new:
            db.execute("DELETE FROM catalog_sync")  # the next `use_catalog` places this card

    def rebuild_cards(self) -> int:
        """Recompute the card-state cache from the log; return the number of cards."""
        with self._writing() as db:
            db.execute("DELETE FROM cards")
            db.execute(_REBUILD)
            db.execute("DELETE FROM catalog_sync")  # lesson, concept and presence are recopied
            self._catalog = None
            for (key,) in db.execute("SELECT DISTINCT card FROM reschedules").fetchall():
                self._merge_card(db, key, {})  # Anki's forget / set due date, applied again
            return int(db.execute("SELECT count(*) FROM cards").fetchone()[0])

    def import_reviews(self, answers: Sequence[Answer], origin: str = "anki",
                       anki: Sequence[AnkiRow | None] | None = None,
                       reschedules: Sequence[Reschedule] = (),
                       origins: Sequence[str] | None = None) -> tuple[int, int]:
        """Merge reviews made elsewhere (Anki) into the log, in one transaction; return (added,
        already present). A card's review at the same millisecond is the same review (an Anki
        revlog id is its time in ms, and our exports use ours), so a second import adds nothing.
        `anki` gives, answer by answer, what Anki logged for it (kept, and its interval sets the
        due day); `reschedules` are Anki's "Forget" and "Set due date" entries, applied in turn;
        `origins`, when given, says answer by answer where it was made (another store's reviews
        keep theirs), else every one is `origin`. An answer that `replaces` another (a correction
        made elsewhere) replaces that review here too when this log has it.
        Each card that gains entries is replayed through FSRS in time order from its last review
        before the first new one: rows before that are never touched."""
        fresh: dict[str, dict[int, _New]] = {}
        moved: dict[str, dict[int, Reschedule]] = {}
        with self._writing() as db:
            keys = list({str(a.card) for a in answers} | {r.card for r in reschedules})
            stored = _stored_times(db, keys)  # one query per 500 cards; cards never reviewed cost nothing more
            for answer, row, made in zip(answers, anki or [None] * len(answers), origins or [origin] * len(answers),
                                         strict=True):
                key, at = str(answer.card), to_ms(answer.answered_at)
                if at not in stored.get(key, ()):
                    fresh.setdefault(key, {})[at] = (answer, row, made)
            for entry in reschedules:
                if db.execute("INSERT OR IGNORE INTO reschedules VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                              (entry.card, entry.reviewed_at_ms, entry.duration_ms, *entry.anki)).rowcount:
                    moved.setdefault(entry.card, {})[entry.reviewed_at_ms] = entry
            for key in {**fresh, **moved}:
                self._merge_card(db, key, fresh.get(key, {}), key in stored, bool(moved.get(key)))
        added = sum(len(new) for new in fresh.values())
        return added, len(answers) - added

    def _merge_card(self, db: sqlite3.Connection, key: str, new: dict[int, _New],
                    has_reviews: bool = True, rescheduled: bool = True) -> None:
        """Replay `key` from its first new entry (answers in `new`, or reschedules already stored)."""
        rows = db.execute(f"SELECT {_REVIEW_COLUMNS}, anki_ivl FROM reviews WHERE card = ? AND {_LIVE} "
                          "ORDER BY reviewed_at",
                          (key,)).fetchall() if has_reviews else []
        logged = [_review_from_row(row[:20]) for row in rows]
        anki_ivl = {row[4]: row[20] for row in rows if row[20] is not None}
        # corrections merged from another log replace the reviews they corrected, if here and live
        replaced = {to_ms(answer.replaces) for answer, _, _ in new.values() if answer.replaces is not None}
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
            memory = self._rescheduled(memory, at, shifts[at])
        lapses = sum(r.rating == 1 and r.before is not None and r.before.state == State.Review for r in kept)
        events = sorted([(at, 0) for at in [*new, *later]] + [(at, 1) for at in shifts if at >= start])
        inserts, updates, review = [], [], self.scheduling.review
        for at, is_reschedule in events:
            if is_reschedule:
                memory = self._rescheduled(memory, at, shifts[at])
                continue
            answer, row, origin = new.get(at, (None, None, ""))
            rating = later[at].rating if answer is None else int(answer.rating)
            ivl = anki_ivl.get(at) if answer is None else (row.ivl if row else None)
            # a review card falls due on the day Anki logged (fuzz and load balance included)
            before, memory = memory, review(memory, rating, at, ivl if ivl and ivl > 0 else None)
            lapses += rating == 1 and before is not None and before.state == State.Review
            values = (*_memory_values(before), *_memory_values(memory)[:5])
            if answer is None:
                updates.append((*values, later[at].id))
            else:
                amends = superseded.get(to_ms(answer.replaces)) if answer.replaces is not None else None
                inserts.append((None, key, answer.kind, origin, at, int(answer.rating), int(answer.correct),
                                max(0, answer.duration_ms), answer.response, *values, *(row or _NO_ANKI_ROW), amends))
        if updates:
            db.executemany(f"UPDATE reviews SET {_SET_MEMORY} WHERE id = ?", updates)
        if inserts:
            db.executemany(_INSERT_REVIEW, inserts)
        if memory is None:  # forgotten in Anki and not answered since: a new card again
            db.execute("DELETE FROM cards WHERE card = ?", (key,))
            return
        first = min(start, logged[0].reviewed_at_ms) if logged else start
        if superseded:  # a replaced first review is not the card's first any more
            first = min([*new, *(r.reviewed_at_ms for r in logged[:1])])
        kind = logged[-1].kind if logged else next(iter(new.values()))[0].kind
        is_new = not logged or (bool(shifts) and not db.execute(
            "SELECT 1 FROM cards WHERE card = ?", (key,)).fetchone())  # forgotten before: placed again
        self._store_card(db, (key, kind, int(memory.state), memory.step, memory.stability, memory.difficulty,
                              memory.due_ms, memory.last_review_ms, first, len(logged) + len(new), lapses),
                         is_new)

    def _rescheduled(self, memory: Memory | None, at: int, ivl: int) -> Memory | None:
        """The memory after Anki's "Forget" (ivl 0: none, a new card) or "Set due date" (the memory
        kept, due `ivl` days after the last review, as Anki with FSRS logs it, never before `at`'s day)."""
        if ivl <= 0 or memory is None:
            return None if ivl <= 0 else memory
        days = self.scheduling.days
        last = memory.last_review_ms if memory.last_review_ms is not None else at
        due = max(days.day_of(at), days.day_of(last) + ivl)
        return msgspec.structs.replace(memory, due_ms=days.start_of(due))

    # -- settings --------------------------------------------------------------------------

    def saved_settings(self) -> dict[str, Any]:
        """The scheduling settings `save_settings` kept (from the learner's Anki collection)."""
        if not self._has_table("settings"):  # a read-only store from before migration 5
            return {}
        with self._reading() as db:
            return {key: msgspec.json.decode(value) for key, value in db.execute("SELECT key, value FROM settings")}

    def save_settings(self, values: dict[str, object]) -> None:
        with self._writing() as db:
            db.executemany("INSERT OR REPLACE INTO settings VALUES (?, ?)",
                           ((k, msgspec.json.encode(v).decode()) for k, v in values.items()))

    def _has_table(self, name: str) -> bool:
        with self._reading() as db:
            return db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone() is not None

    def progress_of(self, keys: Sequence[str]) -> dict[str, tuple[CardProgress | None, int | None]]:
        """For the cards among `keys` that have any: their progress (None for a card forgotten in
        Anki) and the id Anki last logged them under (None for cards never seen in Anki). Read in
        batches, so an export holds one batch at a time, not the whole store."""
        found: dict[str, tuple[CardProgress | None, int | None]] = {}
        with self._reading() as db:
            for start in range(0, len(keys), _BATCH):
                batch = keys[start:start + _BATCH]
                marks = ",".join("?" * len(batch))
                progress = {row[0]: _card_from_row(row) for row in db.execute(
                    f"SELECT {_CARD_COLUMNS} FROM cards WHERE card IN ({marks})", batch)}
                anki_ids = {card: anki_id for card, anki_id, _ in db.execute(
                    "SELECT card, anki_card, max(reviewed_at) FROM (SELECT card, anki_card, reviewed_at FROM reviews "
                    f"WHERE card IN ({marks}) AND anki_card IS NOT NULL UNION ALL SELECT card, anki_card, reviewed_at "
                    f"FROM reschedules WHERE card IN ({marks})) GROUP BY card", (*batch, *batch))}
                for key in progress.keys() | anki_ids.keys():
                    found[key] = (progress.get(key), anki_ids.get(key))
        return found

    # -- reading ---------------------------------------------------------------------------

    def card(self, key: str) -> CardProgress | None:
        with self._reading() as db:
            return _card_from_row(db.execute(
                f"SELECT {_CARD_COLUMNS} FROM cards WHERE card = ?", (key,)).fetchone())

    def cards(self) -> list[CardProgress]:
        return list(self.iter_cards())

    def iter_cards(self) -> Iterator[CardProgress]:
        """`cards()` one at a time, in key order."""
        with self._reading() as db:
            yield from map(_card_from_row, db.execute(f"SELECT {_CARD_COLUMNS} FROM cards ORDER BY card"))

    def history(self, key: str | None = None) -> list[Review]:
        """The log in recording order, for one card or all (without rows a correction replaced)."""
        where, args = (f"WHERE card = ? AND {_LIVE}", (key,)) if key else (f"WHERE {_LIVE}", ())
        with self._reading() as db:
            rows = db.execute(f"SELECT {_REVIEW_COLUMNS} FROM reviews {where} ORDER BY id", args)
            return list(map(_review_from_row, rows))

    def review_log(self) -> list[LoggedReview]:
        """Every review, in time order (then recording order), with only what a review log needs:
        for a large log a third of the cost of `history()`, which makes each memory whole.
        Anki's "Forget" and "Set due date" entries are among them, with rating 0."""
        return list(self.iter_review_log())

    def iter_review_log(self) -> Iterator[LoggedReview]:
        """`review_log()` one row at a time, for logs too large to hold whole (export, import)."""
        with self._reading() as db:
            reschedules = sorted(map(_logged_reschedule, db.execute(_RESCHEDULES)), key=lambda r: r.reviewed_at_ms)
            reviews = map(_logged, db.execute(_LOGGED_REVIEWS))
            if not reschedules:
                yield from reviews
                return
            yield from heapq.merge(reviews, reschedules, key=lambda r: r.reviewed_at_ms)

    def review_count(self) -> int:
        with self._reading() as db:
            return int(db.execute(f"SELECT count(*) FROM reviews WHERE {_LIVE}").fetchone()[0])

    def due(self, now_ms: int, limit: int, present: Container[str] | None = None) -> list[tuple[str, int]]:
        """(card, due) for up to `limit` cards due by `now_ms`, most overdue first, skipping
        cards not in `present` (items removed from the course keep their history, unseen)."""
        return self._scan("SELECT card, due FROM cards WHERE due <= ? ORDER BY due, card",
                          (now_ms,), limit, present)

    def next_due(self, after_ms: int, present: Container[str] | None = None) -> int | None:
        """When the first card due after `after_ms` comes due, or None if none is scheduled."""
        found = self._scan("SELECT card, due FROM cards WHERE due > ? ORDER BY due, card",
                           (after_ms,), 1, present)
        return found[0][1] if found else None

    def _scan(self, query: str, args: Row, limit: int,
              present: Container[str] | None) -> list[tuple[str, int]]:
        found: list[tuple[str, int]] = []
        with self._reading() as db:
            cursor = db.execute(query, args)
            try:
                while len(found) < limit and (batch := cursor.fetchmany(max(limit, 64))):
                    found += [row for row in batch if present is None or row[0] in present]
            finally:
                cursor.close()  # an unfinished SELECT would hold a read transaction open
        return found[:limit]

    def unseen(self, keys_in_order: Sequence[str], limit: int) -> list[str]:
        """The first `limit` of `keys_in_order` never reviewed."""
        found: list[str] = []
        with self._reading() as db:
            for start in range(0, len(keys_in_order), _BATCH):
                batch = keys_in_order[start:start + _BATCH]
                seen = {k for (k,) in db.execute(
                    f"SELECT card FROM cards WHERE card IN ({','.join('?' * len(batch))})", batch)}
                found += [k for k in batch if k not in seen]
                if len(found) >= limit:
                    break
        return found[:limit]

    def introduced_since(self, since_ms: int, present: Container[str] | None = None) -> int:
        """How many cards had their first review at or after `since_ms` (the daily new count)."""
        with self._reading() as db:
            rows = db.execute("SELECT card FROM cards WHERE first_review >= ?", (since_ms,))
            return sum(1 for (key,) in rows if present is None or key in present)

    def use_catalog(self, catalog: Catalog) -> None:
        """Copy each card's lesson and concept, and whether it is still in the course, into the
        card cache. Runs only when the catalog differs from the one last copied (or new cards
        were reviewed without one), so usually it is one single-row read."""
        self._catalog = catalog
        if self.read_only:  # the cache keeps the catalog last copied; the file stays as it is
            return
        with self._reading() as db:
            synced = db.execute("SELECT fingerprint FROM catalog_sync").fetchone()
        if synced == (catalog.fingerprint,):
            return
        with self._writing() as db:
            db.execute("UPDATE cards SET present = 0 WHERE present = 1")
            db.executemany("UPDATE cards SET lesson = ?, concept = ?, present = 1 WHERE card = ?",
                           ((c.lesson, c.concept, c.key) for c in catalog.cards))
            db.execute("INSERT OR REPLACE INTO catalog_sync VALUES (1, ?)", (catalog.fingerprint,))

    def standings(self, now_ms: int) -> list[tuple[str, str, int, int, float, int]]:
        """Per (lesson, concept) of the catalog: reviewed cards, those still learning, the sum of
        predicted recall now (the forgetting curve of `Scheduling.recall`, in SQL) and lapses."""
        factor, decay = self.scheduling.forgetting_curve
        days = self.scheduling.days  # elapsed days as `StudyDays.elapsed_days` counts them:
        now_ms = days.start_of(days.day_of(now_ms) + 1)  # whole days up to the next day's start
        with self._reading() as db:
            return db.execute(
                "SELECT lesson, concept, count(*), sum(c.state != ?), "
                "sum(pow(1 + ? * max(0, (? - c.last_review) / ?) / c.stability, ?)), sum(c.lapses) "
                "FROM cards AS c WHERE present = 1 GROUP BY 1, 2",
                (int(State.Review), factor, now_ms, DAY_MS, decay)).fetchall()

    def due_before(self, horizon_ms: int) -> list[int]:
        """Due times of the catalog's cards due before `horizon_ms` (overdue ones included)."""
        with self._reading() as db:
            return [due for (due,) in db.execute(
                "SELECT due FROM cards WHERE due < ? AND +present = 1", (horizon_ms,))]  # by due, not presence

    def hidden_cards(self) -> list[str]:
        """Reviewed cards that are not in the catalog last given to `use_catalog`."""
        with self._reading() as db:
            return [k for (k,) in db.execute("SELECT card FROM cards WHERE present = 0")]

    def activity(self, edges: Sequence[int], hidden: Sequence[str] = ()) -> list[tuple[int, int]]:
        """(reviews, correct) between consecutive `edges`, leaving out the `hidden` cards."""
        with self._reading() as db:
            totals = [db.execute("SELECT count(*), coalesce(sum(correct), 0) FROM reviews "
                                 f"WHERE reviewed_at >= ? AND reviewed_at < ? AND {_LIVE}", pair).fetchone()
                      for pair in zip(edges, edges[1:], strict=False)]
            if not hidden:
                return totals
            left_out = self._activity_of(db, hidden, edges)
        return [(n - h, right - hr) for (n, right), (h, hr) in zip(totals, left_out, strict=True)]

    @staticmethod
    def _activity_of(db: sqlite3.Connection, keys: Sequence[str], edges: Sequence[int]) -> list[tuple[int, int]]:
        counts = []
        for start, end in zip(edges, edges[1:], strict=False):
            n = right = 0
            for key in keys:
                a, b = db.execute("SELECT count(*), coalesce(sum(correct), 0) FROM reviews WHERE card = ? "
                                  f"AND reviewed_at >= ? AND reviewed_at < ? AND {_LIVE}", (key, start, end)).fetchone()
                n, right = n + a, right + b
            counts.append((n, right))
        return counts


_ANKI_COLUMNS = "anki_card, anki_ivl, anki_last_ivl, anki_factor, anki_type"
_INSERT_REVIEW = f"INSERT INTO reviews ({_REVIEW_COLUMNS}, {_ANKI_COLUMNS}, amends) VALUES ({', '.join(['?'] * 26)})"
_NO_ANKI_ROW = (None,) * 5
_New = tuple[Answer, AnkiRow | None, str]  # a review to merge: what Anki logged for it, its origin


def _stored_times(db: sqlite3.Connection, keys: Sequence[str]) -> dict[str, set[int]]:
    """Card → the times of its stored reviews, for the cards among `keys` that have any."""
    stored: dict[str, set[int]] = {}
    for start in range(0, len(keys), _BATCH):
        batch = keys[start:start + _BATCH]
        for key, at in db.execute(f"SELECT card, reviewed_at FROM reviews WHERE card IN ({','.join('?' * len(batch))})",
                                  batch):
            stored.setdefault(key, set()).add(at)
    return stored


_REVIEW_AT = f"SELECT {_REVIEW_COLUMNS} FROM reviews WHERE card = ? AND reviewed_at = ?"
_MAX_SHIFT_MS = 1000  # a card answered differently in each of 1,000 consecutive ms is not a learner


def _slot(db: sqlite3.Connection, key: str, at: int, answer: Answer) -> tuple[int, Review | None]:
    """The millisecond to store `answer` at, or the stored review that is this very answer."""
    for shifted in range(at, at + _MAX_SHIFT_MS):
        row = db.execute(_REVIEW_AT, (key, shifted)).fetchone()
        if row is None:
            return shifted, None
        stored = _review_from_row(row)
        if (stored.rating, stored.correct, stored.response, stored.kind, stored.duration_ms) == (
                int(answer.rating), answer.correct, answer.response, answer.kind, max(0, answer.duration_ms)):
            return shifted, stored
    raise StoreError(f"card {key} already has {_MAX_SHIFT_MS} different answers from {at} ms on; "
                     "this answer was not recorded")


AMEND_WINDOW_MS = 30 * 60 * 1000  # "I was right" is said while the answer is on screen, not days later


def _replaceable(db: sqlite3.Connection, key: str, given_at: int, now: int) -> Review:
    """The card's latest review, stored from `given_at` (shifted at most `_MAX_SHIFT_MS`) within
    the amend window before `now`; anything else cannot be replaced and is refused loudly."""
    row = db.execute(f"SELECT {_REVIEW_COLUMNS} FROM reviews WHERE card = ? AND {_LIVE} ORDER BY reviewed_at DESC "
                     "LIMIT 1", (key,)).fetchone()
    latest = None if row is None else _review_from_row(row)
    if latest is None or not given_at <= latest.reviewed_at_ms < given_at + _MAX_SHIFT_MS:
        raise StoreError(f"the answer to card {key} at {given_at} ms cannot be replaced: it is not the card's "
                         "latest review in the store")
    if now - latest.reviewed_at_ms > AMEND_WINDOW_MS:
        raise StoreError(f"the answer to card {key} at {given_at} ms is too old to replace "
                         f"(at most {AMEND_WINDOW_MS // 60000} minutes)")
    if db.execute("SELECT 1 FROM reschedules WHERE card = ? AND reviewed_at >= ?",
                  (key, latest.reviewed_at_ms)).fetchone():
        raise StoreError(f"the answer to card {key} at {given_at} ms cannot be replaced: "
                         "Anki rescheduled the card since")
    return latest


def _lapsed(before: Memory | None, rating: int) -> int:
    return int(rating == 1 and before is not None and before.state == State.Review)


_UPDATE_CARD = ", ".join(f"{c} = excluded.{c}" for c in _CARD_COLUMNS.split(", ")[1:])

# The latest review by time, not by row id: reviews imported from Anki can be older than rows
# logged before them.
_REBUILD = f"""
INSERT INTO cards ({_CARD_COLUMNS})
SELECT r.card, r.kind, r.state_after, r.step_after, r.stability_after, r.difficulty_after,
       r.due_after, r.reviewed_at, a.first_review, a.reps, a.lapses
FROM (SELECT card, max(reviewed_at) AS last_at, min(reviewed_at) AS first_review, count(*) AS reps,
             count(CASE WHEN rating = 1 AND state_before = {State.Review.value} THEN 1 END) AS lapses
      FROM reviews WHERE {_LIVE} GROUP BY card) AS a
JOIN reviews AS r ON r.card = a.card AND r.reviewed_at = a.last_at AND r.{_LIVE}
"""
_SET_MEMORY = ", ".join(f"{c} = ?" for c in _REVIEW_COLUMNS.split(", ")[9:])


def _memory_values(memory: Memory | None) -> Row:
    if memory is None:
        return (None,) * 6
    return (int(memory.state), memory.step, memory.stability, memory.difficulty, memory.due_ms,
            memory.last_review_ms)


def _next_card_row(key: str, answer: Answer, progress: CardProgress | None, after: Memory,
                   at: int) -> Row:
    lapsed = progress is not None and progress.memory.state == State.Review and answer.rating == 1
    first = at if progress is None else min(progress.first_review_ms, at)
    reps = 1 if progress is None else progress.reps + 1
    lapses = (progress.lapses if progress else 0) + lapsed
    return (key, answer.kind, int(after.state), after.step, after.stability, after.difficulty,
            after.due_ms, after.last_review_ms, first, reps, lapses)


def _inserted_id(cursor: sqlite3.Cursor) -> int:
    if cursor.lastrowid is None:  # an INSERT always sets it
        raise RuntimeError("the INSERT gave no row id")
    return cursor.lastrowid


class _States(dict[int, State]):
    def __missing__(self, value: object) -> State:
        raise DamagedValue(f"a card state of {value!r} is not one FSRS has")


_STATES = _States({state.value: state for state in State})  # a dict lookup: State(n) costs a µs, per review read


def _card_from_row(row: Row | None) -> CardProgress | None:
    if row is None:
        return None
    card, kind, state, step, stability, difficulty, due, last, first, reps, lapses = row
    return CardProgress(card, kind, Memory(_STATES[state], step, stability, difficulty, due, last),
                        first, reps, lapses)


def _review_from_row(row: Row) -> Review:
    (id_, card, kind, origin, at, rating, correct, duration, response,
     state_before, step_before, stability_before, difficulty_before, due_before, last_before,
     state_after, step_after, stability_after, difficulty_after, due_after) = row
    before = None if state_before is None else Memory(
        _STATES[state_before], step_before, stability_before, difficulty_before, due_before, last_before)
    after = Memory(_STATES[state_after], step_after, stability_after, difficulty_after, due_after, at)
    return Review(id_, card, kind, origin, at, rating, bool(correct), duration, response, before, after)
