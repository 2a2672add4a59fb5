"""Read the review history out of an Anki file, whatever shape it comes in, treating it as hostile.

Anki hands learners four kinds of file: the collection itself (`collection.anki2`, plain SQLite)
and zip exports (`.colpkg` for a whole profile, `.apkg` for decks). Zips written by Anki 2.1.50
and later hold `collection.anki21b`, the SQLite file compressed with zstd, next to a dummy
`collection.anki2` that only tells old clients to upgrade; older ones hold `collection.anki21`
or `collection.anki2`. Every version keeps the same `notes`, `cards` and `revlog` tables.

The file may come from anywhere, so nothing in it is trusted: only a regular file is opened (a
FIFO would block forever), its collection is copied (or extracted) into one temporary folder
with its size capped and the free space checked first (a folder an import killed midway left
behind is removed by the next), and that copy is opened read-only with
the schema untrusted, views and virtual tables refused, every value read through a typed SELECT,
values larger than a collection ever holds refused by SQLite itself, and a time budget on all
of SQLite's work. Whatever goes wrong ends as one `AnkiFileError` naming the file.
"""

from __future__ import annotations

import lzma
import os
import shutil
import sqlite3
import stat
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO, NamedTuple
from urllib.parse import quote

from ..errors import LeaderdeckError, display_path, printable
from ..progress.migrations import APPLICATION_ID
from ..scratch import temporary_folder

SQLITE_HEADER = b"SQLite format 3\x00"
ZIP_HEADERS = (b"PK\x03\x04", b"PK\x05\x06")  # a zip with entries, an empty zip
# Newest first: a current export also carries a legacy `collection.anki2` saying "please update".
COLLECTION_ENTRIES = ("collection.anki21b", "collection.anki21", "collection.anki2")
_COMPRESSED = "collection.anki21b"
_ZIP_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)  # what Anki writes
_CHUNK = 1 << 20

MAX_COLLECTION_BYTES = 1 << 30  # far above any real collection (a million reviews: about 100 MB)
FREE_SPACE_MARGIN = 256 << 20  # left free on the temporary folder's disk after the copy, or a
# quarter of its free space on a smaller disk (a small /tmp still takes a small collection)
MAX_VALUE_BYTES = 16 << 20  # any one value SQLite hands us (a GUID is 10 characters)
READ_SECONDS = 600.0  # SQLite's work on one file, all queries together
_PROGRESS_STEPS = 10_000  # SQLite instructions between looks at the clock


class AnkiFileError(LeaderdeckError):
    """The file is not an Anki collection or package we can read; the message names it."""


@dataclass(frozen=True)
class FileKind:
    """What an untrusted file is meant to be, for the messages of its copy (`database_copy`):
    the Anki file here, a leaderdeck progress file in `progress_file`."""

    error: type[LeaderdeckError]
    noun: str  # what the file should be
    itself: str  # what to give instead of a pipe or device
    folder: str  # what to give instead of a folder
    database: str  # what its SQLite database is called
    again: str  # how to get a healthy copy
    largest: str  # what no file of this kind outgrows


ANKI = FileKind(AnkiFileError, "an Anki file", "the Anki file itself",
                "the collection file inside it (collection.anki2) or an exported .apkg/.colpkg",
                "collection", "export it from Anki again", "any Anki collection")


def name(path: Path) -> str:
    """The path for a message, escaped to stay on its one line (a file may be named anything);
    never fails (a symlink loop cannot be resolved)."""
    try:
        return printable(display_path(path))
    except (OSError, RuntimeError):
        return printable(str(path))


# -- getting the collection out of its wrapper, into one temporary folder ----------------------

@contextmanager
def collection_copy(path: Path) -> Iterator[tuple[Path, str]]:
    """A private copy of the file's collection (path, name of the entry read), removed on exit."""
    with _open_regular(path) as stream, _temporary_folder() as folder:
        target = folder / "collection.sqlite3"
        try:
            entry = _copy_out(stream, path, target)
        except OSError as error:  # the learner's file failed to read (the copy's writes are caught)
            raise AnkiFileError(f"cannot read {name(path)}: {error.strerror or error}") from None
        yield target, entry


def _copy_out(stream: BinaryIO, path: Path, target: Path) -> str:
    header = stream.read(len(SQLITE_HEADER))
    stream.seek(0)
    if header.startswith(SQLITE_HEADER):
        _copy_database(stream, path, target)
        return path.name
    if header.startswith(ZIP_HEADERS):
        return _extract_collection(stream, path, target)
    raise AnkiFileError(f"{name(path)} is not an Anki file: expected a collection (.anki2) or an export "
                        "(.apkg, .colpkg)")


@contextmanager
def database_copy(path: Path, kind: FileKind) -> Iterator[Path]:
    """A private copy of the SQLite file at `path` (and of its write-ahead log, if any), removed
    on exit; the same bounds as an Anki collection's copy."""
    with _open_regular(path, kind) as stream, _temporary_folder(kind) as folder:
        target = folder / "database.sqlite3"
        try:
            _copy_database(stream, path, target, kind)
        except OSError as error:
            raise kind.error(f"cannot read {name(path)}: {error.strerror or error}") from None
        yield target


_FOLDER_PREFIX = "leaderdeck-anki-"


@contextmanager
def _temporary_folder(kind: FileKind = ANKI) -> Iterator[Path]:
    """One private folder, claimed (`scratch`): a folder an import killed midway left behind is
    removed by the next."""
    def refused(error: OSError) -> Exception:
        return kind.error(f"cannot create a temporary folder in {tempfile.gettempdir()}: "
                          f"{error.strerror or error}; set TMPDIR to a folder you can write to")

    with temporary_folder(_FOLDER_PREFIX, refused) as folder:
        yield folder


@contextmanager
def _open_regular(path: Path, kind: FileKind = ANKI) -> Iterator[BinaryIO]:
    """`path` opened for reading if it is a regular file. Opened without blocking, then checked
    on the open descriptor: a FIFO or device never gets a chance to hang or stream forever."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise kind.error(f"{name(path)}: no such file") from None
    except IsADirectoryError:
        raise kind.error(_folder_message(path, kind)) from None
    except OSError as error:
        raise kind.error(f"cannot read {name(path)}: {error.strerror or error}") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):
            raise kind.error(_folder_message(path, kind))
        raise kind.error(f"{name(path)} is not a regular file (a pipe, socket or device): give {kind.itself}")
    with os.fdopen(fd, "rb") as stream:
        yield stream


def _folder_message(path: Path, kind: FileKind) -> str:
    return f"{name(path)} is a folder: give {kind.folder}"


def _copy_database(stream: BinaryIO, path: Path, target: Path, kind: FileKind = ANKI) -> None:
    """The collection and, if Anki left one, its write-ahead log (recent reviews may be only there)."""
    _bounded_copy(stream.read, target, path, os.fstat(stream.fileno()).st_size, kind=kind)
    wal = path.with_name(path.name + "-wal")
    if os.path.lexists(wal):
        with _open_regular(wal, kind) as log:
            _bounded_copy(log.read, target.with_name(target.name + "-wal"), wal, os.fstat(log.fileno()).st_size,
                          database=False, kind=kind)


def _extract_collection(stream: BinaryIO, path: Path, target: Path) -> str:
    try:
        with zipfile.ZipFile(stream) as archive:
            entry = _collection_entry(archive, path)
            with archive.open(entry) as source:
                _unpack(source, target, entry.filename, path, entry.file_size)
            return entry.filename
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, zlib.error, lzma.LZMAError) as error:
        raise AnkiFileError(f"{name(path)} is a damaged zip file ({error}); export it from Anki again") from None
    except OSError as error:
        raise AnkiFileError(f"cannot read {name(path)}: {error.strerror or error}") from None


def _collection_entry(archive: zipfile.ZipFile, path: Path) -> zipfile.ZipInfo:
    entries = {info.filename: info for info in archive.infolist()}
    entry = next((entries[n] for n in COLLECTION_ENTRIES if n in entries), None)
    if entry is None:
        raise AnkiFileError(f"{name(path)} is a zip file but not an Anki export: it holds none of "
                            f"{', '.join(COLLECTION_ENTRIES)}")
    if entry.flag_bits & 0x1:
        raise AnkiFileError(f"{name(path)}: its {entry.filename} is encrypted; Anki never encrypts "
                            "its exports: export it from Anki again")
    if entry.compress_type not in _ZIP_METHODS:
        raise AnkiFileError(f"{name(path)}: its {entry.filename} is compressed with method "
                            f"{entry.compress_type}, which Anki never uses (it stores or deflates): "
                            "export it from Anki again")
    return entry


def _unpack(source: IO[bytes], target: Path, entry: str, path: Path, declared: int) -> None:
    if entry != _COMPRESSED:
        _bounded_copy(source.read, target, path, declared)
        return
    import zstandard  # only current-format exports need it

    try:
        reader = zstandard.ZstdDecompressor().stream_reader(source, read_across_frames=True)
        _bounded_copy(reader.read, target, path, 0)
    except zstandard.ZstdError as error:
        raise AnkiFileError(f"{name(path)}: its {entry} is damaged (zstd: {error}); export it "
                            "from Anki again") from None


def _bounded_copy(read: Callable[[int], bytes], target: Path, path: Path, announced: int,
                  database: bool = True, kind: FileKind = ANKI) -> None:
    """Copy the SQLite database `read` gives into `target`: no more than its header says it holds
    (SQLite ignores anything after), than the cap, or than the disk can spare, all checked before
    a byte is written. `announced` is the size the wrapper claims (0 if unknown); a write-ahead
    log (`database` false) has no such header."""
    first = read(_CHUNK)
    size = (_declared_size(first, path, kind) if database else 0) or announced
    free = shutil.disk_usage(target.parent).free
    limit = min(MAX_COLLECTION_BYTES, free - min(FREE_SPACE_MARGIN, free // 4))
    if size > limit:
        raise kind.error(_too_large(path, size, limit, kind))
    left = size or limit  # without a size in its header, a database is as long as its file
    with target.open("wb") as sink:
        chunk = first
        while chunk and left > 0:
            if not size and len(chunk) > left:
                raise kind.error(_too_large(path, limit + 1, limit, kind))
            try:
                sink.write(chunk[:left])
            except OSError as error:
                raise kind.error(f"cannot copy {name(path)} to a temporary folder "
                                    f"({error.strerror or error}); free some disk space") from None
            left -= len(chunk)
            chunk = read(min(_CHUNK, left)) if left > 0 else b""


def _declared_size(header: bytes, path: Path, kind: FileKind = ANKI) -> int:
    """The database's size as its header gives it, or 0 when the header does not say (SQLite
    then reads the whole file); refuses what is not an SQLite database at all."""
    if not header.startswith(SQLITE_HEADER) or len(header) < 100:
        raise kind.error(f"{name(path)} does not hold an SQLite database where its {kind.database} should be: "
                         f"it is damaged or not {kind.noun}")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65_536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        raise kind.error(f"{name(path)}: its {kind.database} has a damaged database header (page size "
                         f"{page_size}); {kind.again}")
    pages, counter, valid_for = (int.from_bytes(header[at:at + 4], "big") for at in (28, 24, 92))
    return pages * page_size if pages and counter == valid_for else 0


def _too_large(path: Path, size: int, limit: int, kind: FileKind = ANKI) -> str:
    if limit < MAX_COLLECTION_BYTES:
        return (f"{name(path)} is too large for the free space: it needs more than {_amount(size)} "
                f"unpacked and the temporary folder's disk has {_amount(max(0, limit))} to spare")
    return (f"{name(path)} is too large: it unpacks to more than {_amount(limit)}, far more than "
            f"{kind.largest}")


def _amount(size: int) -> str:
    return f"{size >> 20} MB" if size >= 10 << 20 else f"{size >> 10} KB"


# -- reading the collection -------------------------------------------------------------------

_TABLES = ("notes", "cards", "revlog")
_KINDS = ("SELECT lower(name), CASE WHEN type != 'table' THEN type WHEN sql LIKE 'CREATE TABLE%' THEN 'table' "
          "ELSE 'virtual table' END FROM sqlite_master WHERE lower(name) IN (?, ?, ?)")
# The review log is read twice, both times by scanning its table (NOT INDEXED: an index may lie
# or be damaged where the table is not): once to check every value, then to import.
_NOT_ANKI = ("typeof(id) != 'integer' OR id < 0 OR typeof(cid) != 'integer' OR typeof(ease) != 'integer' "
             "OR typeof(time) != 'integer'")
_BAD_REVIEWS = f"SELECT count(*) FROM revlog NOT INDEXED WHERE {_NOT_ANKI}"
_FIRST_BAD = f"SELECT quote(id), quote(ease), quote(time) FROM revlog NOT INDEXED WHERE {_NOT_ANKI} LIMIT 1"
# Only well-formed rows; text read as bytes (a damaged file may hold anything but UTF-8)
_CARDS = """
SELECT c.id, CAST(n.guid AS BLOB), c.ord FROM cards AS c JOIN notes AS n ON n.id = c.nid
WHERE typeof(c.id) = 'integer' AND typeof(c.ord) = 'integer' AND typeof(n.guid) = 'text'
"""
# a card's reviews together; the columns only written back (and `ivl`, for due days) may be anything
_REVIEWS = ("SELECT id, cid, ease, time, " + ", ".join(
    f"CASE WHEN typeof({c}) = 'integer' AND {c} BETWEEN -2147483648 AND 2147483647 THEN {c} END"
    for c in ("ivl", "lastIvl", "factor", "type")) + " FROM revlog NOT INDEXED ORDER BY cid, id")


class AnkiReview(NamedTuple):
    """One row of Anki's review log, with the Anki card it belongs to (a tuple: a million of them
    are made in an import, and a tuple is made in a third of a dataclass's time)."""

    reviewed_at_ms: int  # revlog.id: when the answer was given, epoch milliseconds
    card_id: int
    ease: int  # 1 Again … 4 Easy; 0 for entries that are not answers (rescheduled, reset)
    duration_ms: int
    ivl: int | None = None  # days if positive, seconds if negative; None when not a 32-bit integer
    last_ivl: int | None = None
    factor: int | None = None
    type: int | None = None  # 0 learn, 1 review, 2 relearn, 3 filtered, 4 manual, 5 rescheduled


class AnkiCollection:
    """An Anki collection, checked and opened read-only; read its cards and reviews lazily."""

    def __init__(self, source: Path, entry: str, connection: sqlite3.Connection) -> None:
        self.source = source
        self.entry = entry  # which collection was read: the file itself, or the zip entry's name
        self._db = connection

    @property
    def database(self) -> sqlite3.Connection:
        """The collection's connection: read-only, checked by `open_collection`, bounded in time
        and value size. Read anything beyond cards and reviews through it with that in mind."""
        return self._db

    def note_count(self) -> int:
        return self._scalar("SELECT count(*) FROM notes")

    def cards(self) -> Iterator[tuple[int, str, int]]:
        """(Anki card id, note GUID, ordinal) of every card."""
        for card_id, guid, ordinal in self._rows(_CARDS):
            yield card_id, guid.decode("utf-8", "replace"), ordinal

    def reviews(self) -> Iterator[AnkiReview]:
        """Every review-log row, a card's rows together and in time order."""
        yield from map(AnkiReview._make, self._rows(_REVIEWS))

    def _scalar(self, query: str) -> int:
        return int(next(self._rows(query))[0])

    def _rows(self, query: str) -> Iterator[tuple[Any, ...]]:  # sqlite3 rows: the file's own types
        try:
            # Not `yield from`: dropping an unfinished read (the store failed midway) would then close
            # the cursor after its connection, and the error of that raises from the generator's end.
            for row in self._db.execute(query):  # noqa: UP028
                yield row
        except (sqlite3.Error, OverflowError, MemoryError) as error:
            raise AnkiFileError(_unreadable(self.source, error)) from None


@contextmanager
def open_collection(path: Path) -> Iterator[AnkiCollection]:
    """The Anki file at `path`, copied out, opened and checked; raises `AnkiFileError`."""
    with collection_copy(path) as (database, entry):
        connection = _connect(database, path)
        try:
            _check(connection, path)
            yield AnkiCollection(path, entry, connection)
        finally:
            connection.close()


def _connect(database: Path, path: Path) -> sqlite3.Connection:
    deadline = time.monotonic() + READ_SECONDS
    try:
        connection = sqlite3.connect(f"file:{quote(str(database))}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise AnkiFileError(f"{name(path)} cannot be opened as a database ({error})") from None
    connection.set_progress_handler(lambda: time.monotonic() > deadline, _PROGRESS_STEPS)
    connection.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    # Anki's schema sorts names with its own collation; unused here, but SQLite must know it.
    connection.create_collation("unicase", _unicase)
    return connection


def _unicase(a: str, b: str) -> int:
    return (a.casefold() > b.casefold()) - (a.casefold() < b.casefold())


def _check(connection: sqlite3.Connection, path: Path) -> None:
    """Refuse a collection whose tables are not plain tables, or whose review log holds anything
    but integers: all before a single review is read."""
    try:
        for pragma in ("trusted_schema = OFF", "query_only = ON", "cell_size_check = ON", "mmap_size = 0"):
            connection.execute(f"PRAGMA {pragma}")
        if connection.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID:
            raise AnkiFileError(f"{name(path)} is a leaderdeck progress file, not Anki's: merge it with "
                                "`leaderdeck import-progress`")
        kinds = dict(connection.execute(_KINDS, _TABLES))
        for table in _TABLES:
            if kinds.get(table) != "table":
                what = f"a {kinds[table]} named {table}" if table in kinds else f"no {table} table"
                raise AnkiFileError(f"{name(path)} cannot be read as an Anki collection: it has {what}")
            if any(hidden for *_, hidden in connection.execute(f"PRAGMA table_xinfo({table})")):
                raise AnkiFileError(f"{name(path)} cannot be read as an Anki collection: its {table} "
                                    "table has computed columns")
        bad = connection.execute(_BAD_REVIEWS).fetchone()[0]
        if bad:
            example = ", ".join(connection.execute(_FIRST_BAD).fetchone())
            raise AnkiFileError(f"{name(path)}: {bad} rows of its review log hold values that are not "
                                f"Anki's (first: id, ease, time = {example}): it is damaged or not Anki's")
    except (sqlite3.Error, OverflowError, MemoryError) as error:
        raise AnkiFileError(_unreadable(path, error)) from None


def _unreadable(path: Path, error: BaseException) -> str:
    if isinstance(error, sqlite3.OperationalError) and str(error) == "interrupted":
        return (f"{name(path)} took more than {READ_SECONDS:.0f} s to read: it is not a healthy "
                "Anki collection")
    why = "a value too large" if isinstance(error, MemoryError) else str(error)
    return (f"{name(path)} cannot be read as an Anki collection ({why}). If Anki has it open, "
            "close Anki and try again.")
