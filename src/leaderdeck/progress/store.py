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
from typing import Any

import msgspec
from fsrs import State

from ..errors import LeaderdeckError
from ..events import Answer
from . import amend, migrations, replay, rows
from .amend import AMEND_WINDOW_MS
from .catalog import Catalog
from .files import (
    StoreDamagedError,
    StoreError,
    StoreLockedError,
    connect,
    read_only_error,
    refuse_newer,
    translated_errors,
    verify,
)
from .migrations import migrate
from .replay import Imported
from .rows import AnkiRow, CardProgress, LoggedReview, Reschedule, Review
from .scheduler import DAY_MS, DEFAULT_RETENTION, Memory, Scheduling, StudyDays, to_ms

STORE_FILE = "progress.sqlite3"
# Called with the store's path after every committed write: the browser edition copies the file
# to IndexedDB there (`leaderdeck.site.browser`).
AFTER_COMMIT: list[Callable[[Path], None]] = []
BUSY_TIMEOUT_SECONDS = 3.0


__all__ = ["AMEND_WINDOW_MS", "AnkiRow", "CardProgress", "Imported", "LoggedReview", "Reschedule", "Review",
           "StoreDamagedError", "StoreError", "StoreLockedError", "ProgressStore", "open_store", "default_store_path"]


def default_store_path() -> Path:
    """`$LEADERDECK_HOME/progress.sqlite3`, else the same file in the platform's user data folder."""
    home = os.environ.get("LEADERDECK_HOME")
    if home:
        return Path(home).expanduser() / STORE_FILE
    import platformdirs  # only the default location needs it

    return Path(platformdirs.user_data_dir("leaderdeck", appauthor=False)) / STORE_FILE


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
        self._merged: int | None = None  # reviews the import under way has committed (`merging`)

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
    def merging(self) -> Iterator[None]:
        """An import of many batches (one transaction each): an error within it says how many
        reviews the batches before it merged, which stay, and that running it again adds the rest."""
        self._merged = 0
        try:
            yield
        finally:
            self._merged = None

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        with self._lock, translated_errors(self.path, self._busy_timeout, self._merged or 0):
            yield self._db

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it is committed, or none of it."""
        if self.read_only:
            raise read_only_error(self.path)
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
        before: the card counts one review, the corrected one (`amend`)."""
        key = str(answer.card)
        with self._writing() as db:
            if answer.replaces is not None:
                return amend.replace(db, self.scheduling, self._catalog, key, answer, origin)
            at, stored = rows.slot(db, key, to_ms(answer.answered_at), answer)
            if stored is not None:
                return stored
            progress = rows.card_from_row(db.execute(rows.CARD_OF, (key,)).fetchone())
            last = progress.memory.last_review_ms if progress else None
            if last is None or at >= last:
                return self._append(db, key, at, answer, origin, progress)
            # Another process committed a later review of this card first: replay the card in
            # time order, so the cache stays what a rebuild from the log would give.
            writes = replay.Writes()
            replay.merge_card(db, self.scheduling, writes, key,
                              {at: Imported.of(answer)._replace(reviewed_at_ms=at)}, origin)
            writes.flush(db, self._catalog)
            return rows.review_from_row(db.execute(rows.REVIEW_AT, (key, at)).fetchone())

    def _append(self, db: sqlite3.Connection, key: str, at: int, answer: Answer, origin: str,
                progress: CardProgress | None) -> Review:
        before = progress.memory if progress else None
        after = self.scheduling.review(before, int(answer.rating), at)
        cursor = db.execute(
            f"INSERT INTO reviews ({rows.REVIEW_COLUMNS}) VALUES ({', '.join(['?'] * 20)})",
            (None, key, answer.kind, origin, at, int(answer.rating), int(answer.correct),
             max(0, answer.duration_ms), answer.response, *rows.memory_values(before),
             *rows.memory_values(after)[:5]))  # after.last_review_ms is reviewed_at
        rows.store_cards(db, [(_next_card_row(key, answer, progress, after, at), progress is None)], self._catalog)
        return Review(rows.inserted_id(cursor), key, answer.kind, origin, at, int(answer.rating),
                      answer.correct, max(0, answer.duration_ms), answer.response, before, after)

    def rebuild_cards(self) -> int:
        """Recompute the card-state cache from the log; return the number of cards."""
        with self._writing() as db:
            self._catalog = None  # lesson, concept and presence are recopied by the next `use_catalog`
            return replay.rebuild(db, self.scheduling)

    def import_reviews(self, reviews: Sequence[Imported] | Sequence[Answer], origin: str = "anki",
                       reschedules: Sequence[Reschedule] = ()) -> tuple[int, int]:
        """Merge reviews made elsewhere (Anki) into the log, in one transaction; return (added,
        already present). A card's review at the same millisecond is the same review, so a second
        import adds nothing. `reschedules` are Anki's "Forget" and "Set due date" entries, applied
        in turn. Each card that gains entries is replayed through FSRS in time order (`replay`)."""
        entries = [r if isinstance(r, Imported) else Imported.of(r) for r in reviews]
        with self._writing() as db:
            added = replay.import_reviews(db, self.scheduling, self._catalog, entries, origin, reschedules)
        if self._merged is not None:
            self._merged += added
        return added, len(entries) - added

    # -- settings --------------------------------------------------------------------------

    def saved_settings(self) -> dict[str, Any]:
        """The scheduling settings `save_settings` kept (from the learner's Anki collection). One
        that is not a value it writes (a damaged row) is left out: these only refine the schedule,
        the next `import-anki` saves them again, and refusing the store would refuse every answer."""
        if not self._has_table("settings"):  # a read-only store from before migration 5
            return {}
        with self._reading() as db:
            rows = db.execute("SELECT key, value FROM settings").fetchall()
        return {key: value for key, text in rows if (value := _usable_setting(key, text)) is not None}

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
            for start in range(0, len(keys), rows.BATCH):
                batch = keys[start:start + rows.BATCH]
                marks = ",".join("?" * len(batch))
                progress = {row[0]: rows.card_from_row(row) for row in db.execute(
                    f"SELECT {rows.CARD_COLUMNS} FROM cards WHERE card IN ({marks})", batch)}
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
            return rows.card_from_row(db.execute(
                f"SELECT {rows.CARD_COLUMNS} FROM cards WHERE card = ?", (key,)).fetchone())

    def cards(self) -> list[CardProgress]:
        return list(self.iter_cards())

    def iter_cards(self) -> Iterator[CardProgress]:
        """`cards()` one at a time, in key order."""
        with self._reading() as db:
            yield from map(rows.card_from_row, db.execute(f"SELECT {rows.CARD_COLUMNS} FROM cards ORDER BY card"))

    def history(self, key: str | None = None) -> list[Review]:
        """The log in recording order, for one card or all (without rows a correction replaced)."""
        where, args = (f"WHERE card = ? AND {rows.LIVE}", (key,)) if key else (f"WHERE {rows.LIVE}", ())
        with self._reading() as db:
            found = db.execute(f"SELECT {rows.REVIEW_COLUMNS} FROM reviews {where} ORDER BY id", args)
            return list(map(rows.review_from_row, found))

    def review_log(self) -> list[LoggedReview]:
        """Every review, in time order (then recording order), with only what a review log needs:
        for a large log a third of the cost of `history()`, which makes each memory whole.
        Anki's "Forget" and "Set due date" entries are among them, with rating 0."""
        return list(self.iter_review_log())

    def iter_review_log(self, *, replaced: bool = False) -> Iterator[LoggedReview]:
        """`review_log()` one row at a time, for logs too large to hold whole (export, import).
        With `replaced`, the reviews corrections replaced come too (`live` False): Anki revlog
        ids are given over them, so a correction made after an export moves no other review."""
        with self._reading() as db:
            reschedules = sorted(map(rows.logged_reschedule, db.execute(rows.RESCHEDULES)),
                                 key=lambda r: r.reviewed_at_ms)
            reviews: Iterator[LoggedReview] = map(rows.logged, db.execute(rows.LOGGED_REVIEWS))
            if not replaced:
                reviews = (review for review in reviews if review.live)
            if not reschedules:
                yield from reviews
                return
            yield from heapq.merge(reviews, reschedules, key=lambda r: r.reviewed_at_ms)

    def misses_since(self, since_ms: int) -> list[tuple[str, int]]:
        """(card, when) of each review graded Again at or after `since_ms`, in time order: a range
        of the time index, not a pass over the log."""
        with self._reading() as db:
            return db.execute(f"SELECT card, reviewed_at FROM reviews WHERE reviewed_at >= ? AND rating = 1 "
                              f"AND {rows.LIVE} ORDER BY reviewed_at, anki_card IS NULL, id", (since_ms,)).fetchall()

    def review_count(self) -> int:
        with self._reading() as db:
            return int(db.execute(f"SELECT count(*) FROM reviews WHERE {rows.LIVE}").fetchone()[0])

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

    def _scan(self, query: str, args: rows.Row, limit: int,
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
            for start in range(0, len(keys_in_order), rows.BATCH):
                batch = keys_in_order[start:start + rows.BATCH]
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
        were reviewed without one), so usually it is one single-row read; then it rewrites only
        the cards whose place changed (rewriting all 100,000 cost a second and a 25 MB WAL)."""
        self._catalog = catalog
        if self.read_only:  # the cache keeps the catalog last copied; the file stays as it is
            return
        with self._reading() as db:
            synced = db.execute("SELECT fingerprint FROM catalog_sync").fetchone()
        if synced == (catalog.fingerprint,):
            return
        with self._writing() as db:
            moved, gone = [], []
            for key, lesson, concept, present in db.execute("SELECT card, lesson, concept, present FROM cards"):
                listed = catalog.get(key)
                if listed is None:
                    if present:
                        gone.append((key,))
                elif not present or lesson != listed.lesson or concept != listed.concept:
                    moved.append((listed.lesson, listed.concept, key))
            db.executemany("UPDATE cards SET present = 0 WHERE card = ?", gone)
            db.executemany("UPDATE cards SET lesson = ?, concept = ?, present = 1 WHERE card = ?", moved)
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
                                 f"WHERE reviewed_at >= ? AND reviewed_at < ? AND {rows.LIVE}", pair).fetchone()
                      for pair in zip(edges, edges[1:], strict=False)]
            if not hidden:
                return totals
            left_out = [(0, 0)] * len(totals)
            for start in range(0, len(hidden), rows.BATCH):
                batch = hidden[start:start + rows.BATCH]
                query = (f"SELECT count(*), coalesce(sum(correct), 0) FROM reviews WHERE card IN "
                         f"({','.join('?' * len(batch))}) AND reviewed_at >= ? AND reviewed_at < ? AND {rows.LIVE}")
                left_out = [(h + a, hr + b) for (h, hr), (a, b) in zip(left_out, (
                    db.execute(query, (*batch, *pair)).fetchone() for pair in zip(edges, edges[1:], strict=False)),
                    strict=True)]
        return [(n - h, right - hr) for (n, right), (h, hr) in zip(totals, left_out, strict=True)]


def _usable_setting(key: object, text: object) -> Any:
    """The saved setting's value, or None when it is not one `Scheduling` and `StudyDays` take."""
    if not isinstance(text, (str, bytes)):
        return None
    try:
        value: Any = msgspec.json.decode(text)
        if key == "desired_retention":
            Scheduling(value)
        elif key == "fsrs_parameters" and value is not None:
            Scheduling(parameters=value)
        elif key == "rollover_hour":
            StudyDays(rollover_hour=value)
    except (msgspec.DecodeError, LeaderdeckError, TypeError, ValueError):
        return None
    return value


def _next_card_row(key: str, answer: Answer, progress: CardProgress | None, after: Memory,
                   at: int) -> rows.Row:
    lapsed = progress is not None and progress.memory.state == State.Review and answer.rating == 1
    first = at if progress is None else min(progress.first_review_ms, at)
    reps = 1 if progress is None else progress.reps + 1
    lapses = (progress.lapses if progress else 0) + lapsed
    return (key, answer.kind, int(after.state), after.step, after.stability, after.difficulty,
            after.due_ms, after.last_review_ms, first, reps, lapses)
