"""Read the review history out of an Anki file, whatever shape it comes in.

Anki hands learners four kinds of file: the collection itself (`collection.anki2`, plain SQLite)
and zip exports (`.colpkg` for a whole profile, `.apkg` for decks). Zips written by Anki 2.1.50
and later hold `collection.anki21b`, the SQLite file compressed with zstd, next to a dummy
`collection.anki2` that only tells old clients to upgrade; older ones hold `collection.anki21`
or `collection.anki2`. Every version keeps the same `notes`, `cards` and `revlog` tables, so
once the database is out of its wrapper one query reads them all.

The learner's file is never opened in place: it is copied (or extracted) into a temporary folder,
so nothing here can change it, and SQLite never sees a half-written file that Anki holds open.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import LeaderdeckError, display_path

SQLITE_HEADER = b"SQLite format 3\x00"
ZIP_HEADERS = (b"PK\x03\x04", b"PK\x05\x06")  # a zip with entries, an empty zip
# Newest first: a current export also carries a legacy `collection.anki2` saying "please update".
COLLECTION_ENTRIES = ("collection.anki21b", "collection.anki21", "collection.anki2")
_COMPRESSED = "collection.anki21b"
_CHUNK = 1 << 20


class AnkiFileError(LeaderdeckError):
    """The file is not an Anki collection or package we can read; the message names it."""


@dataclass(frozen=True)
class AnkiReview:
    """One row of Anki's review log, with the identity of its card (note GUID + ordinal)."""

    reviewed_at_ms: int  # revlog.id: when the answer was given, epoch milliseconds
    guid: str | None  # None when the card has since been deleted from the collection
    ordinal: int
    ease: int  # 1 Again … 4 Easy; 0 for entries that are not answers (rescheduled, reset)
    duration_ms: int
    kind: int  # revlog.type: 0 learn, 1 review, 2 relearn, 3 filtered, 4 manual, 5 rescheduled


@dataclass(frozen=True)
class AnkiHistory:
    """What a file says about its notes and their reviews."""

    source: Path
    entry: str  # which collection was read: the file itself, or the zip entry's name
    guids: frozenset[str]
    reviews: tuple[AnkiReview, ...]


def read_anki_history(path: Path) -> AnkiHistory:
    """Every note GUID and every review-log row of the Anki file at `path`."""
    with _collection_copy(path) as (database, entry):
        guids, reviews = _query(database, path)
    return AnkiHistory(path, entry, guids, reviews)


@contextmanager
def _collection_copy(path: Path) -> Iterator[tuple[Path, str]]:
    header = _header(path)
    with tempfile.TemporaryDirectory(prefix="leaderdeck-anki-") as folder:
        target = Path(folder) / "collection.sqlite3"
        if header.startswith(SQLITE_HEADER):
            _copy_database(path, target)
            yield target, path.name
        elif header.startswith(ZIP_HEADERS):
            yield target, _extract_collection(path, target)
        else:
            raise AnkiFileError(f"{display_path(path)} is not an Anki file: expected a collection "
                                "(.anki2) or an export (.apkg, .colpkg)")


def _header(path: Path) -> bytes:
    try:
        with path.open("rb") as stream:
            return stream.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        raise AnkiFileError(f"{display_path(path)}: no such file") from None
    except IsADirectoryError:
        raise AnkiFileError(f"{display_path(path)} is a folder: give the collection file inside it "
                            "(collection.anki2) or an exported .apkg/.colpkg") from None
    except OSError as error:
        raise AnkiFileError(f"cannot read {display_path(path)}: {error.strerror}") from None


def _copy_database(path: Path, target: Path) -> None:
    """The collection and, if Anki left one, its write-ahead log (recent reviews may be only there)."""
    shutil.copyfile(path, target)
    wal = path.with_name(path.name + "-wal")
    if wal.is_file():
        shutil.copyfile(wal, target.with_name(target.name + "-wal"))


def _extract_collection(path: Path, target: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            entry = next((name for name in COLLECTION_ENTRIES if name in names), None)
            if entry is None:
                raise AnkiFileError(f"{display_path(path)} is a zip file but not an Anki export: it holds "
                                    f"none of {', '.join(COLLECTION_ENTRIES)}")
            with archive.open(entry) as source, target.open("wb") as sink:
                _unpack(source, sink, entry, path)
            return entry
    except (zipfile.BadZipFile, EOFError, OSError) as error:
        raise AnkiFileError(f"{display_path(path)} is a damaged zip file ({error}); export it from Anki "
                            "again") from None


def _unpack(source, sink, entry: str, path: Path) -> None:
    if entry != _COMPRESSED:
        shutil.copyfileobj(source, sink, _CHUNK)
        return
    import zstandard  # only current-format exports need it

    try:
        reader = zstandard.ZstdDecompressor().stream_reader(source, read_across_frames=True)
        while chunk := reader.read(_CHUNK):
            sink.write(chunk)
    except zstandard.ZstdError as error:
        raise AnkiFileError(f"{display_path(path)}: its {entry} is damaged (zstd: {error}); export it "
                            "from Anki again") from None


_REVIEWS = """
SELECT r.id, n.guid, c.ord, r.ease, r.time, r.type
FROM revlog AS r LEFT JOIN cards AS c ON c.id = r.cid LEFT JOIN notes AS n ON n.id = c.nid
ORDER BY r.id
"""


def _query(database: Path, path: Path) -> tuple[frozenset[str], tuple[AnkiReview, ...]]:
    try:
        connection = sqlite3.connect(database)
    except sqlite3.Error as error:
        raise AnkiFileError(f"{display_path(path)} cannot be opened as a database ({error})") from None
    # Anki's schema sorts deck and note type names with its own collation; unused here, but
    # SQLite must know the name to read a schema that mentions it.
    connection.create_collation("unicase", lambda a, b: (a.casefold() > b.casefold()) - (a.casefold() < b.casefold()))
    try:
        guids = frozenset(guid for (guid,) in connection.execute("SELECT guid FROM notes"))
        reviews = tuple(AnkiReview(at, guid, ordinal or 0, ease, max(0, duration), kind)
                        for at, guid, ordinal, ease, duration, kind in connection.execute(_REVIEWS))
    except sqlite3.Error as error:
        raise AnkiFileError(f"{display_path(path)} cannot be read as an Anki collection ({error}). "
                            "If Anki has it open, close Anki and try again.") from None
    finally:
        connection.close()
    return guids, reviews
