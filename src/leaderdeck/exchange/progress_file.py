"""Another progress store merged into this one: the site's download, or a store from another computer.

The file may come from anywhere, so it is read as `anki_read` reads an Anki file: only a regular
file, copied (with its write-ahead log) into a private temporary folder with its size bounded,
opened read-only with the schema untrusted and a time budget; it must carry our mark
(`application_id`) and exactly the tables of its schema version, and every value is checked
before the store is opened. A review keeps what it was: its origin (a notebook, the site, Anki),
what Anki logged for it, and Anki's "Forget" and "Set due date" entries, so progress moves site ↔
desktop ↔ Anki without a review changing hands; a correction ("I was right") replaces the review
it corrected wherever that review already is. A review already present (same card, same
millisecond) is not added again: merging twice, or a store into itself, changes nothing.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import groupby, islice
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..errors import LeaderdeckError, display_path
from ..events import Answer, Rating
from ..identity import CardKey
from ..progress import migrations
from ..progress.scheduler import DAY_MS, from_ms
from ..progress.store import AnkiRow, Imported, ProgressStore, Reschedule
from .anki_read import (
    MAX_VALUE_BYTES,
    READ_SECONDS,
    SQLITE_HEADER,
    ZIP_HEADERS,
    FileKind,
    _open_regular,
    database_copy,
    name,
)


class ProgressFileError(LeaderdeckError):
    """The file is not a leaderdeck progress store we can merge; the message names it."""


PROGRESS = FileKind(ProgressFileError, "a leaderdeck progress file", "the progress file itself",
                    "the progress file inside it (leaderdeck-progress.sqlite3)", "store",
                    "download it from the site again", "any progress store")
CLOCK_SKEW_MS = DAY_MS  # a review dated later than this after now is skipped: a wrong clock made it
MAX_DURATION_MS = 3_600_000  # Anki logs at most a minute by default; longer is a wrong value
CARDS_PER_BATCH = 1000  # cards merged per transaction: memory stays flat whatever the size of the file
MAX_TEXT = 100_000  # characters of a card key, kind, origin or typed response: far above any real one
_PROGRESS_STEPS = 10_000

# Every value of a live review (one a correction did not replace) as the merge needs it; a row
# breaking any of these was not written by leaderdeck.
_LIVE = "id NOT IN (SELECT amends FROM reviews WHERE amends IS NOT NULL)"
_BAD_REVIEW = (
    "typeof(card) != 'text' OR typeof(kind) != 'text' OR typeof(origin) != 'text' OR typeof(response) != 'text' "
    "OR typeof(reviewed_at) != 'integer' OR reviewed_at < 0 OR typeof(rating) != 'integer' "
    "OR rating NOT BETWEEN 1 AND 4 OR correct NOT IN (0, 1) OR typeof(duration_ms) != 'integer' "
    "OR length(card) > ? OR length(kind) > ? OR length(origin) > ? OR length(response) > ? "
    "OR (anki_card IS NOT NULL AND (typeof(anki_card) != 'integer' OR typeof(anki_ivl) != 'integer' "
    "OR typeof(anki_last_ivl) != 'integer' OR typeof(anki_factor) != 'integer' OR typeof(anki_type) != 'integer'))")
_BAD_RESCHEDULE = ("typeof(card) != 'text' OR length(card) > ? OR typeof(reviewed_at) != 'integer' OR reviewed_at < 0 "
                   "OR typeof(duration_ms) != 'integer' OR typeof(anki_card) != 'integer' "
                   "OR typeof(anki_ivl) != 'integer' OR anki_ivl NOT BETWEEN 0 AND 100000 "
                   "OR typeof(anki_last_ivl) != 'integer' OR typeof(anki_factor) != 'integer' "
                   "OR typeof(anki_type) != 'integer'")
_LIMITS = (MAX_TEXT,) * 4
# A correction ("I was right") names the time of the review it replaced, which the target may hold.
_REVIEWS = ("SELECT r.card, r.kind, r.origin, r.reviewed_at, r.rating, r.correct, r.duration_ms, r.response, "
            "(SELECT a.reviewed_at FROM reviews AS a WHERE a.id = r.amends AND a.card = r.card "
            "AND typeof(a.reviewed_at) = 'integer' AND a.reviewed_at BETWEEN 0 AND r.reviewed_at), "
            "r.anki_card, r.anki_ivl, r.anki_last_ivl, r.anki_factor, r.anki_type "
            f"FROM reviews AS r WHERE r.{_LIVE} ORDER BY r.card, r.reviewed_at")
_RESCHEDULES = "SELECT card, reviewed_at, duration_ms, anki_card, anki_ivl, anki_last_ivl, anki_factor, anki_type " \
               "FROM reschedules ORDER BY card, reviewed_at"


@dataclass(frozen=True)
class ProgressSummary:
    source: Path
    added: int
    present: int
    future: int = 0
    rescheduled: int = 0

    def report(self) -> list[str]:
        lines = [f"{display_path(self.source)}: added {self.added} reviews, {self.present} already present"]
        if self.rescheduled:
            lines.append(f"  {self.rescheduled} Forget / Set due date entries from Anki came with them")
        if self.future:
            lines.append(f"  {self.future} reviews dated more than a day in the future were skipped: check "
                         "the clock of the device that made them")
        return lines


class ProgressFile:
    """A progress store from elsewhere, copied, opened read-only and checked whole."""

    def __init__(self, source: Path, connection: sqlite3.Connection) -> None:
        self.source = source
        self._db = connection

    def reviews(self, latest_ms: int, future: list[int]) -> Iterator[tuple[Answer, str, AnkiRow | None]]:
        """Each live review (answer, origin, what Anki logged) up to `latest_ms`, a card's together,
        in time order; each later one is counted in `future`."""
        for card, kind, origin, at, rating, correct, duration, response, replaced, *anki in self._rows(_REVIEWS):
            if at > latest_ms:
                future.append(at)
                continue
            yield (Answer(CardKey.parse(card), kind, bool(correct), Rating(rating),
                          min(max(0, duration), MAX_DURATION_MS), from_ms(at), response,
                          None if replaced is None else from_ms(replaced)),
                   origin, None if anki[0] is None else AnkiRow(*anki))

    def reschedules(self, latest_ms: int, future: list[int]) -> Iterator[Reschedule]:
        for card, at, duration, *anki in self._rows(_RESCHEDULES):
            if at > latest_ms:
                future.append(at)
                continue
            yield Reschedule(card, at, min(max(0, duration), MAX_DURATION_MS), AnkiRow(*anki))

    def _rows(self, query: str) -> Iterator[tuple[Any, ...]]:  # sqlite3 rows: checked by `_check`
        try:
            for row in self._db.execute(query):  # noqa: UP028 (not `yield from`: see `anki_read`)
                yield row
        except (sqlite3.Error, OverflowError, MemoryError) as error:
            raise ProgressFileError(_unreadable(self.source, error)) from None


@contextmanager
def open_progress_file(path: Path) -> Iterator[ProgressFile]:
    """The progress file at `path`, copied out, opened and checked; raises `ProgressFileError`."""
    _refuse_other_formats(path)
    with database_copy(path, PROGRESS) as database:
        connection = _connect(database, path)
        try:
            _check(connection, path)
            yield ProgressFile(path, connection)
        finally:
            connection.close()


def _refuse_other_formats(path: Path) -> None:
    with _open_regular(path, PROGRESS) as stream:
        try:
            header = stream.read(len(SQLITE_HEADER))
        except OSError as error:
            raise ProgressFileError(f"cannot read {name(path)}: {error.strerror or error}") from None
    if header.startswith(ZIP_HEADERS):
        raise ProgressFileError(f"{name(path)} is a zip file, as Anki exports are: merge those with "
                                "`leaderdeck import-anki`")
    if not header.startswith(SQLITE_HEADER):
        raise ProgressFileError(f"{name(path)} is not a leaderdeck progress file (the site's "
                                "leaderdeck-progress.sqlite3, or a progress.sqlite3)")


def _connect(database: Path, path: Path) -> sqlite3.Connection:
    deadline = time.monotonic() + READ_SECONDS
    try:  # our own private copy: SQLite may fold its write-ahead log in
        connection = sqlite3.connect(f"file:{quote(str(database))}", uri=True, isolation_level=None)
        connection.set_progress_handler(lambda: time.monotonic() > deadline, _PROGRESS_STEPS)
        connection.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
        for pragma in ("trusted_schema = OFF", "cell_size_check = ON", "mmap_size = 0"):
            connection.execute(f"PRAGMA {pragma}")
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the WAL is read here
        connection.execute("PRAGMA query_only = ON")
    except (sqlite3.Error, OverflowError, MemoryError) as error:
        raise ProgressFileError(_unreadable(path, error)) from None
    return connection


def _check(connection: sqlite3.Connection, path: Path) -> None:
    """Ours, of a schema we know, exactly its tables, healthy, every value in range: or refused."""
    try:
        application_id, version = (int(connection.execute(f"PRAGMA {p}").fetchone()[0])
                                   for p in ("application_id", "user_version"))
        if application_id != migrations.APPLICATION_ID:
            raise ProgressFileError(_foreign(connection, path))
        known = migrations.MIGRATIONS
        if version > known[-1].version:
            raise ProgressFileError(f"{name(path)} was written by a newer leaderdeck (schema {version}, this one "
                                    f"knows up to {known[-1].version}): upgrade leaderdeck to merge it")
        if version < known[-1].version:
            raise ProgressFileError(f"{name(path)} was written by an older leaderdeck (schema {version}): open "
                                    "it once with this one to upgrade it (`leaderdeck stats --store FILE`)")
        if migrations.schema_of(connection) != migrations.reference_schema(version, known):
            raise ProgressFileError(f"{name(path)} is marked as a leaderdeck progress file but its tables are "
                                    f"not those of schema {version}: it is damaged; {PROGRESS.again}")
        problems = [row[0] for row in connection.execute("PRAGMA quick_check(1)")]
        if problems != ["ok"]:
            raise ProgressFileError(f"{name(path)} is damaged (SQLite's quick_check: {problems[0]}); "
                                    f"{PROGRESS.again}")
        _check_values(connection, path)
    except (sqlite3.Error, OverflowError, MemoryError) as error:
        raise ProgressFileError(_unreadable(path, error)) from None


def _check_values(connection: sqlite3.Connection, path: Path) -> None:
    live = f"FROM reviews NOT INDEXED WHERE {_LIVE} AND ({_BAD_REVIEW})"
    bad = connection.execute(f"SELECT count(*) {live}", _LIMITS).fetchone()[0]
    if bad:
        first = connection.execute(f"SELECT quote(substr(card, 1, 80)), quote(reviewed_at), quote(rating) {live} "
                                   "LIMIT 1", _LIMITS).fetchone()
        raise ProgressFileError(f"{name(path)}: {bad} reviews hold values leaderdeck never writes (first: card, "
                                f"time, rating = {', '.join(first)}): it is damaged; {PROGRESS.again}")
    bad = connection.execute(f"SELECT count(*) FROM reschedules WHERE {_BAD_RESCHEDULE}", (MAX_TEXT,)).fetchone()[0]
    if bad:
        raise ProgressFileError(f"{name(path)}: {bad} Forget / Set due date entries hold values leaderdeck never "
                                f"writes: it is damaged; {PROGRESS.again}")
    for table in ("reviews", "reschedules"):
        for (card,) in connection.execute(f"SELECT DISTINCT card FROM {table}"):
            try:
                CardKey.parse(card)
            except (LeaderdeckError, ValueError):
                raise ProgressFileError(f"{name(path)}: {_shown(card)} is not a card key leaderdeck "
                                        f"writes: it is damaged; {PROGRESS.again}") from None


def _shown(text: str) -> str:
    return repr(text[:80] + ("…" if len(text) > 80 else ""))


def _foreign(connection: sqlite3.Connection, path: Path) -> str:
    tables = {row[0] for row in connection.execute("SELECT lower(name) FROM sqlite_master WHERE type = 'table'")}
    if {"notes", "cards", "revlog"} <= tables:
        return f"{name(path)} is an Anki collection: merge it with `leaderdeck import-anki`"
    return (f"{name(path)} is an SQLite database but not a leaderdeck progress file (the site's "
            "leaderdeck-progress.sqlite3, or a progress.sqlite3)")


def _unreadable(path: Path, error: BaseException) -> str:
    if isinstance(error, sqlite3.OperationalError) and str(error) == "interrupted":
        return f"{name(path)} took more than {READ_SECONDS:.0f} s to read: it is not a healthy progress file"
    why = "a value too large" if isinstance(error, MemoryError) else str(error)
    return f"{name(path)} cannot be read as a leaderdeck progress file ({why}); {PROGRESS.again}"


def merge_progress(source: ProgressFile, store: ProgressStore, now_ms: int) -> ProgressSummary:
    """Merge `source`'s reviews and Anki's entries into `store`, a batch (one transaction) of
    whole cards at a time: stopped halfway, a second merge adds the rest."""
    latest, future = now_ms + CLOCK_SKEW_MS, list[int]()  # the times of the reviews skipped
    reschedules = {card: list(entries) for card, entries in
                   groupby(source.reschedules(latest, future), key=lambda entry: entry.card)}
    rescheduled = sum(map(len, reschedules.values()))
    added = present = 0
    cards = groupby(source.reviews(latest, future), key=lambda review: str(review[0].card))
    while batch := [(card, list(group)) for card, group in islice(cards, CARDS_PER_BATCH)]:
        reviews = [review for _, group in batch for review in group]
        moved = [entry for card, _ in batch for entry in reschedules.pop(card, [])]
        new, old = store.import_reviews([Imported.of(answer, anki, origin) for answer, origin, anki in reviews],
                                        reschedules=moved)
        added, present = added + new, present + old
    left = [entry for entries in reschedules.values() for entry in entries]  # cards with no review here
    if left:
        store.import_reviews([], reschedules=left)
    return ProgressSummary(source.source, added, present, len(future), rescheduled)
