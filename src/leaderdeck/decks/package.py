"""The deterministic `.apkg` writer: an Anki schema-11 collection in a deflated zip.

We do not use genanki's writer: it stamps every note with the build time (so every rebuild looks
like an edit), omits `schedVer`, stores the zip uncompressed and inserts one row per statement.
Here the caller supplies every id and `mod`, rows go in with `executemany`, the database is built
in a scratch file and streamed into the zip, and zip entries carry a fixed date and deflate level,
so equal input gives equal bytes.
Cards take full scheduling columns and a revlog can be written, for packages that carry progress.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NamedTuple

from ..errors import LeaderdeckError
from ..scratch import temporary_file, temporary_folder

_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
# zlib's fastest level: 2.5 times faster than the default 6, and the package still a sixth of
# genanki's uncompressed one (a collection is text and small integers: deflate finds it all).
DEFLATE_LEVEL = 1
_COLLECTION_CREATED = 1_735_689_600  # fixed: a package's collection is never opened as a collection
# Public for packages carrying progress: Anki counts review cards' due days from this `crt`.
COLLECTION_CREATED = _COLLECTION_CREATED
_TAG = re.compile(r"<[^>]*>")
# The notebook's default desired retention (`progress.scheduler.DEFAULT_RETENTION`, a test holds
# them equal), not imported: building a deck need not load the scheduler.
PRESET_RETENTION = 0.9


# Rows are NamedTuples: immutable and typed, cheap to make by the ten thousand, and already the
# tuples `executemany` takes, in the column order of Anki's tables.
class NoteRow(NamedTuple):
    id: int
    guid: str
    mid: int
    mod: int
    tags: tuple[str, ...]
    fields: tuple[str, ...]
    sort_field: str


class CardRow(NamedTuple):
    """A card; the defaults describe a new card. Scheduling columns follow Anki's `cards` table."""

    id: int
    nid: int
    did: int
    ord: int
    mod: int
    usn: int = -1
    type: int = 0
    queue: int = 0
    due: int = 0
    ivl: int = 0
    factor: int = 0
    reps: int = 0
    lapses: int = 0
    left: int = 0
    odue: int = 0
    odid: int = 0
    flags: int = 0
    data: str = ""


class RevlogRow(NamedTuple):
    id: int
    cid: int
    usn: int
    ease: int
    ivl: int
    last_ivl: int
    factor: int
    time: int
    type: int


JSONObject = dict[str, Any]  # Anki's JSON columns (models, decks, deck options), as json.dumps takes them

@dataclass(frozen=True)
class PackageContents:
    models: Sequence[JSONObject]
    decks: Sequence[JSONObject]
    notes: Sequence[NoteRow]
    cards: Sequence[CardRow]
    revlog: Sequence[RevlogRow] = ()
    media: dict[str, Path] = field(default_factory=dict)  # name in the collection → file
    mod: int = _COLLECTION_CREATED
    preset: JSONObject | None = None  # the deck options every deck of the package uses (`deck_preset`)
    retired_preset: JSONObject | None = None  # the options of the deck of removed items (`retired_preset`)


def write_package(path: Path, contents: PackageContents) -> bool:
    """Write `contents` to `path` through a temporary file; False when the bytes were already there."""
    try:
        return _write_package(path, contents)
    except OSError as error:
        raise LeaderdeckError(f"cannot write {path}: {error.strerror or error}") from error


def _write_package(path: Path, contents: PackageContents) -> bool:
    if path.is_dir():
        raise IsADirectoryError(21, "it is a folder; give a file name ending in .apkg")
    path.parent.mkdir(parents=True, exist_ok=True)
    # Claimed until it is renamed or removed: one a killed writer left is removed by the next (`scratch`).
    with temporary_file(path) as (handle, temporary):
        with os.fdopen(os.dup(handle), "wb") as stream:  # `handle` stays open: it holds the claim
            _write_zip(stream, contents)
        os.chmod(temporary, 0o644)  # mkstemp makes it private; a deck is for sharing
        if path.is_file() and _same_bytes(path, temporary):
            return False
        os.replace(temporary, path)
        return True


def _write_zip(stream: IO[bytes], contents: PackageContents) -> None:
    with temporary_folder("leaderdeck-package-", lambda error: error) as folder, \
            zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=DEFLATE_LEVEL) as archive:
        database = Path(folder, "collection.anki2")
        write_collection(database, contents)  # on disk, streamed: a large deck never sits in memory twice
        with database.open("rb") as source, archive.open(_entry("collection.anki2"), "w") as target:
            shutil.copyfileobj(source, target, 1 << 20)
        names = sorted(contents.media)
        _add(archive, "media", json.dumps({str(i): n for i, n in enumerate(names)}).encode())
        for index, name in enumerate(names):
            _add(archive, str(index), contents.media[name].read_bytes())


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    # ZipFile.open(info, "w") takes the level from the entry, not from the archive
    setattr(info, "compress_level" if hasattr(info, "compress_level") else "_compresslevel", DEFLATE_LEVEL)
    return info


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    archive.writestr(_entry(name), data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=DEFLATE_LEVEL)


def write_collection(path: Path, contents: PackageContents) -> None:
    """The collection as an SQLite file; equal contents give equal bytes."""
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA journal_mode = OFF")  # a scratch file: nothing to recover
        db.execute("PRAGMA synchronous = OFF")
        db.executescript(_SCHEMA)
        db.execute("INSERT INTO col VALUES (1,?,?,?,11,0,0,0,?,?,?,?,'{}')", _col_row(contents))
        db.executemany("INSERT INTO notes VALUES (?,?,?,?,-1,?,?,?,?,0,'')",
                       (_note_values(n) for n in contents.notes))
        # plain tuples: sqlite3 binds a tuple's items directly, a subclass's through the sequence protocol
        db.executemany(f"INSERT INTO cards VALUES ({','.join('?' * len(CardRow._fields))})", map(tuple, contents.cards))
        db.executemany(f"INSERT INTO revlog VALUES ({','.join('?' * len(RevlogRow._fields))})",
                       map(tuple, contents.revlog))
        db.executescript(_INDEXES)
        db.commit()
    finally:
        db.close()
    _pin_header(path)


def _pin_header(path: Path) -> None:
    """SQLite stamps its own version into the file header (bytes 92-99); pin it, so the same
    deck is the same bytes whichever SQLite wrote it (and `build --check` agrees across machines)."""
    with path.open("r+b") as handle:
        handle.seek(24)
        change_counter = handle.read(4)  # "version valid for" must equal it, as SQLite writes it
        handle.seek(92)
        handle.write(change_counter + _PINNED_SQLITE_VERSION.to_bytes(4, "big"))


_PINNED_SQLITE_VERSION = 3_040_001  # any valid version number; readers only report it


def _col_row(contents: PackageContents) -> tuple[Any, ...]:
    def dump(value: object) -> str:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    conf = {**_COLLECTION_CONF, "curModel": str(contents.models[0]["id"]) if contents.models else None}
    models = {str(m["id"]): m for m in contents.models}
    # decks that name a preset of their own (the retired items' deck) keep it
    ours = contents.decks if contents.preset is None else [
        {**d, "conf": contents.preset["id"]} if d["conf"] == 1 else d for d in contents.decks]
    decks = {str(d["id"]): d for d in [_DEFAULT_DECK, *ours]}
    presets = {"1": _DECK_CONFIG, **{str(p["id"]): p for p in (contents.preset, contents.retired_preset) if p}}
    return (_COLLECTION_CREATED, contents.mod * 1000, _COLLECTION_CREATED * 1000,
            dump(conf), dump(models), dump(decks), dump(presets))


def _note_values(note: NoteRow) -> tuple[Any, ...]:
    tags = f" {' '.join(note.tags)} " if note.tags else ""
    return (note.id, note.guid, note.mid, note.mod, tags, "\x1f".join(note.fields),
            strip_html(note.sort_field), field_checksum(note.fields[0]))


def read_notes(path: Path, guids: set[str]) -> dict[str, tuple[int, tuple[str, ...], tuple[str, ...], tuple[int, ...]]]:
    """GUID → (note type id, fields, tags, card ordinals) of the notes among `guids` in the package
    at `path` (one we wrote); empty when there is no package."""
    if not guids or not path.is_file():
        return {}
    try:
        with tempfile.TemporaryDirectory(prefix="leaderdeck-") as folder:
            database = Path(folder, "collection.anki2")
            with zipfile.ZipFile(path) as archive, archive.open("collection.anki2") as source, \
                    database.open("wb") as target:
                shutil.copyfileobj(source, target, 1 << 20)
            db = sqlite3.connect(database)
            try:
                found = {}
                for guid, mid, tags, fields, nid in db.execute("SELECT guid, mid, tags, flds, id FROM notes"):
                    if guid in guids:
                        ordinals = tuple(o for (o,) in db.execute("SELECT ord FROM cards WHERE nid = ? ORDER BY ord",
                                                                  (nid,)))
                        found[guid] = (mid, tuple(fields.split("\x1f")), tuple(tags.split()), ordinals)
                return found
            finally:
                db.close()
    except (OSError, zipfile.BadZipFile, KeyError, sqlite3.Error) as error:
        raise LeaderdeckError(f"cannot read the removed notes from {path} ({error}): restore it from git "
                              "(`git checkout -- decks/`) and build again") from None


def strip_html(text: str) -> str:
    return _TAG.sub("", text).strip() if "<" in text else text.strip()


def field_checksum(text: str) -> int:
    """Anki's duplicate check: the first 8 hex digits (4 bytes) of SHA-1 of the stripped first field."""
    return int.from_bytes(hashlib.sha1(strip_html(text).encode()).digest()[:4], "big")


def deck_json(deck_id: int, name: str, description: str) -> JSONObject:
    return {"id": deck_id, "name": name, "desc": description, "mod": _COLLECTION_CREATED, "usn": -1,
            "collapsed": False, "browserCollapsed": False, "conf": 1, "dyn": 0, "extendNew": 0,
            "extendRev": 0, "newToday": [0, 0], "revToday": [0, 0], "lrnToday": [0, 0],
            "timeToday": [0, 0]}


def _same_bytes(first: Path, second: Path) -> bool:
    if first.stat().st_size != second.stat().st_size:
        return False
    return first.read_bytes() == second.read_bytes()


# "schedVer": 2 matters: without it Anki reads learning-step ratings in an imported revlog with
# the old scheduler's meaning.
_COLLECTION_CONF = {"schedVer": 2, "activeDecks": [1], "curDeck": 1, "addToCur": True,
                    "collapseTime": 1200, "dueCounts": True, "estTimes": True, "newSpread": 0,
                    "nextPos": 1, "sortBackwards": False, "sortType": "noteFld", "timeLim": 0}
_DEFAULT_DECK = deck_json(1, "Default", "")


def deck_preset(preset_id: int, name: str, desired_retention: float) -> JSONObject:
    """Our deck options. Not Anki's id 1, which its importer never overwrites, so the preset
    arrives: siblings buried (new, review and interday learning, so a flashcard's reverse never
    follows it the same day) and the desired retention FSRS schedules for."""
    return {**_DECK_CONFIG, "id": preset_id, "name": name, "mod": _COLLECTION_CREATED,
            "new": {**_DECK_CONFIG["new"], "bury": True}, "rev": {**_DECK_CONFIG["rev"], "bury": True},
            "buryInterdayLearning": True, "desiredRetention": desired_retention}


def retired_preset(preset_id: int, name: str, desired_retention: float) -> JSONObject:
    """`deck_preset` with no new cards and no reviews a day: a profile that gets removed items
    as new cards (their deck did not exist there) is never given them to study."""
    preset = deck_preset(preset_id, name, desired_retention)
    return {**preset, "new": {**preset["new"], "perDay": 0}, "rev": {**preset["rev"], "perDay": 0}}


_DECK_CONFIG: JSONObject = {
    "id": 1, "name": "Default", "mod": 0, "usn": 0, "maxTaken": 60, "autoplay": True, "timer": 0,
    "replayq": True, "dyn": False,
    "new": {"bury": False, "delays": [1, 10], "initialFactor": 2500, "ints": [1, 4, 0], "order": 1,
            "perDay": 20},
    "lapse": {"delays": [10], "leechAction": 1, "leechFails": 8, "minInt": 1, "mult": 0},
    "rev": {"bury": False, "ease4": 1.3, "ivlFct": 1, "maxIvl": 36500, "perDay": 200, "hardFactor": 1.2},
}

_SCHEMA = """
CREATE TABLE col (id integer primary key, crt integer not null, mod integer not null,
  scm integer not null, ver integer not null, dty integer not null, usn integer not null,
  ls integer not null, conf text not null, models text not null, decks text not null,
  dconf text not null, tags text not null);
CREATE TABLE notes (id integer primary key, guid text not null, mid integer not null,
  mod integer not null, usn integer not null, tags text not null, flds text not null,
  sfld integer not null, csum integer not null, flags integer not null, data text not null);
CREATE TABLE cards (id integer primary key, nid integer not null, did integer not null,
  ord integer not null, mod integer not null, usn integer not null, type integer not null,
  queue integer not null, due integer not null, ivl integer not null, factor integer not null,
  reps integer not null, lapses integer not null, left integer not null, odue integer not null,
  odid integer not null, flags integer not null, data text not null);
CREATE TABLE revlog (id integer primary key, cid integer not null, usn integer not null,
  ease integer not null, ivl integer not null, lastIvl integer not null, factor integer not null,
  time integer not null, type integer not null);
CREATE TABLE graves (usn integer not null, oid integer not null, type integer not null);
"""
_INDEXES = """
CREATE INDEX ix_notes_usn ON notes (usn);
CREATE INDEX ix_cards_usn ON cards (usn);
CREATE INDEX ix_revlog_usn ON revlog (usn);
CREATE INDEX ix_cards_nid ON cards (nid);
CREATE INDEX ix_cards_sched ON cards (did, queue, due);
CREATE INDEX ix_revlog_cid ON revlog (cid);
CREATE INDEX ix_notes_csum ON notes (csum);
"""
