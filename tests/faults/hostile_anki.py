"""Generate a corpus of hostile Anki files from one healthy collection (nothing binary is committed).

    python tests/faults/hostile_anki.py OUT_DIR HEALTHY_COLLECTION [--full]

Each case is one file (or FIFO, or symlink) plus what `import-anki` must say about it: the exit
code and a fragment of its one-line message. `--full` (or LEADERDECK_FAULTS_FULL=1 in the tests)
makes the size cases their real size (a 3 GB zip bomb, a 2 GB sparse file, a 900 MB value);
bounded, they are smaller but cross the same limits, which the tests lower to match.
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import struct
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

MB = 1 << 20
YEAR_3000_MS = 32_503_680_000_000


@dataclass(frozen=True)
class Case:
    name: str
    path: Path
    exit_code: int
    message: str  # a fragment of the one line the CLI prints


def generate(folder: Path, healthy: Path, *, full: bool = False) -> list[Case]:
    folder.mkdir(parents=True, exist_ok=True)
    cases = []
    for name, (make, code, message) in _makers(full).items():
        cases.append(Case(name, make(folder / name.replace(" ", "-"), healthy), code, message))
    return cases


def _makers(full: bool) -> dict[str, tuple[Callable[[Path, Path], Path], int, str]]:
    bomb = (3000 if full else 300) * MB
    sparse = (2 << 30) if full else (1200 * MB)
    value = (900 if full else 40) * MB
    return {
        # size
        "zstd bomb of zeros": (lambda p, h: _zstd_package(p, b"", bomb), 1, "does not hold an SQLite database"),
        "zstd bomb after a database": (lambda p, h: _zstd_package(p, h.read_bytes(), bomb), 0, "added"),
        "zstd bomb claiming its size": (lambda p, h: _zstd_package(p, _claims(h, bomb), bomb), 1,
                                        "is too large"),
        "deflate bomb": (lambda p, h: _deflate_package(p, bomb // 10), 1, "does not hold an SQLite database"),
        "sparse file with a header": (lambda p, h: _sparse(p, SQLITE_HEADER_ONLY, sparse), 1,
                                      "damaged database header"),
        "sparse file claiming its size": (lambda p, h: _sparse(p, _claims(h, sparse), sparse), 1, "is too large"),
        "sparse tail after a database": (lambda p, h: _sparse(p, h.read_bytes(), sparse), 0, "added"),
        # not a regular file
        "fifo": (lambda p, h: _fifo(p), 1, "not a regular file"),
        "symlink loop": (lambda p, h: _symlink_loop(p), 1, "Too many levels of symbolic links"),
        "fifo as write-ahead log": (lambda p, h: _fifo_wal(p, h), 1, "not a regular file"),
        "unreadable at offset 0": (lambda p, h: Path("/proc/self/mem"), 1, "cannot read"),
        # zip entries Anki never writes
        "encrypted entry": (lambda p, h: _patched_zip(p, h, flags=0x1), 1, "is encrypted"),
        "deflate64 entry": (lambda p, h: _patched_zip(p, h, method=9), 1, "compressed with method 9"),
        "lzma entry": (lambda p, h: _lzma_zip(p, h), 1, "compressed with method 14"),
        "aes entry": (lambda p, h: _patched_zip(p, h, method=99), 1, "compressed with method 99"),
        "lying entry size": (lambda p, h: _patched_zip(p, h, size=100), 1, "damaged zip file"),
        "path traversal": (lambda p, h: _zip(p, {"../../collection.anki2": h.read_bytes()}), 1,
                           "not an Anki export"),
        # review logs that are not Anki's
        "time is text": (lambda p, h: _revlog(p, h, "UPDATE revlog SET time = 'slow'"), 1, "'slow'"),
        "time is null": (lambda p, h: _revlog(p, h, "UPDATE revlog SET time = NULL"), 1, "NULL"),
        "id is text": (lambda p, h: _revlog(p, h, "UPDATE revlog SET id = CAST(id AS TEXT)"), 1, "not Anki's"),
        "id is 1e30": (lambda p, h: _revlog(p, h, "UPDATE revlog SET id = 1e30 WHERE rowid = 1"), 1, "1.0e+30"),
        "id is -9e18": (lambda p, h: _revlog(p, h, "UPDATE revlog SET id = -9000000000000000000 WHERE rowid = 1"),
                        1, "-9000000000000000000"),
        "id is 9e18": (lambda p, h: _revlog(p, h, "UPDATE revlog SET id = 9000000000000000000 WHERE rowid = 1"),
                       0, "1 reviews dated more than a day in the future were skipped"),
        "year 3000": (lambda p, h: _revlog(p, h, f"UPDATE revlog SET id = {YEAR_3000_MS} WHERE rowid = 1"),
                      0, "1 reviews dated more than a day in the future were skipped"),
        "cid is text": (lambda p, h: _revlog(p, h, "UPDATE revlog SET cid = 'card'"), 1, "not Anki's"),
        "duration 9e18": (lambda p, h: _revlog(p, h, "UPDATE revlog SET time = 9000000000000000000"), 0, "added"),
        # collections that are not healthy
        "200 flipped bytes": (lambda p, h: _flipped(p, h, 200), 1, "cannot be read as an Anki collection"),
        "guids not utf-8": (lambda p, h: _sql(p, h, "UPDATE notes SET guid = CAST(X'fffe41' AS TEXT)"),
                            1, "holds none of the notes"),
        "endless notes view": (lambda p, h: _sql(p, h, *_view("notes", ENDLESS)), 1, "a view named notes"),
        "slow revlog view": (lambda p, h: _sql(p, h, *_view("revlog", SLOW)), 1, "a view named revlog"),
        "virtual revlog": (lambda p, h: _sql(p, h, "DROP TABLE revlog",
                                            "CREATE VIRTUAL TABLE revlog USING rtree(id, a, b)"),
                           1, "cannot be read as an Anki collection"),
        "computed guid": (lambda p, h: _sql(p, h, "ALTER TABLE notes ADD COLUMN big AS (zeroblob(1000000000))"),
                          1, "computed columns"),
        "huge guid": (lambda p, h: _sql(p, h, f"UPDATE notes SET guid = CAST(zeroblob({value}) AS TEXT) "
                                              "WHERE id = (SELECT min(id) FROM notes)"),
                      1, "string or blob too big"),
        # a collation only the writer knew, where the import never needs it: no harm
        "unknown collation": (lambda p, h: _sql(p, h, "CREATE INDEX x ON notes (guid COLLATE nowhere)"),
                              0, "added"),
        "no revlog": (lambda p, h: _sql(p, h, "DROP TABLE revlog"), 1, "no revlog table"),
        "truncated": (lambda p, h: _truncated(p, h), 1, "cannot be read as an Anki collection"),
    }


SQLITE_HEADER_ONLY = b"SQLite format 3\x00" + bytes(84)
ENDLESS = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n AS id, 'g' AS guid FROM r"
SLOW = ("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 2000000000) "
        "SELECT n AS id, 1 AS cid, 3 AS ease, 1 AS time, 0 AS type FROM r WHERE n = 0")


def _claims(healthy: Path, size: int) -> bytes:
    """The healthy database's first page, its header claiming `size` bytes."""
    header = bytearray(healthy.read_bytes()[:4096])
    page_size = struct.unpack(">H", header[16:18])[0]
    header[28:32] = struct.pack(">I", size // page_size)
    header[92:96] = header[24:28]  # "valid for" = change counter: the size is to be believed
    return bytes(header)


def _zstd_package(path: Path, start: bytes, total: int) -> Path:
    import zstandard

    out = path.with_suffix(".colpkg")
    compressor = zstandard.ZstdCompressor(level=1).compressobj()
    zeros = bytes(MB)
    parts = [compressor.compress(start)]
    parts += [compressor.compress(zeros) for _ in range((total - len(start)) // MB)]
    parts.append(compressor.flush())
    return _zip(out, {"collection.anki21b": b"".join(parts), "collection.anki2": b""})


def _deflate_package(path: Path, total: int) -> Path:
    out = path.with_suffix(".apkg")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive, \
            archive.open("collection.anki2", "w", force_zip64=True) as entry:
        zeros = bytes(MB)
        for _ in range(total // MB):
            entry.write(zeros)
    return out


def _sparse(path: Path, start: bytes, size: int) -> Path:
    with path.open("wb") as stream:
        stream.write(start)
        stream.truncate(size)
    return path


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _symlink_loop(path: Path) -> Path:
    os.symlink(path.name + "-b", path)
    os.symlink(path.name, path.with_name(path.name + "-b"))
    return path


def _fifo_wal(path: Path, healthy: Path) -> Path:
    out = path.with_suffix(".anki2")
    shutil.copyfile(healthy, out)
    os.mkfifo(out.with_name(out.name + "-wal"))
    return out


def _zip(path: Path, entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    out = path if path.suffix else path.with_suffix(".apkg")
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out


def _patched_zip(path: Path, healthy: Path, *, flags: int = 0, method: int | None = None,
                 size: int | None = None) -> Path:
    """A stored entry whose headers (local and central) then claim flags, a method or a size."""
    out = _zip(path, {"collection.anki2": healthy.read_bytes()}, zipfile.ZIP_STORED)
    data = bytearray(out.read_bytes())
    for signature, flag_at, method_at, size_at in ((b"PK\x03\x04", 6, 8, 22), (b"PK\x01\x02", 8, 10, 24)):
        at = data.index(signature)
        (old_flags,) = struct.unpack("<H", data[at + flag_at:at + flag_at + 2])
        data[at + flag_at:at + flag_at + 2] = struct.pack("<H", old_flags | flags)
        if method is not None:
            data[at + method_at:at + method_at + 2] = struct.pack("<H", method)
        if size is not None:
            data[at + size_at:at + size_at + 4] = struct.pack("<I", size)
    out.write_bytes(bytes(data))
    return out


def _lzma_zip(path: Path, healthy: Path) -> Path:
    return _zip(path, {"collection.anki2": healthy.read_bytes()}, zipfile.ZIP_LZMA)


def _sql(path: Path, healthy: Path, *statements: str) -> Path:
    out = path.with_suffix(".anki2")
    shutil.copyfile(healthy, out)
    connection = sqlite3.connect(out)
    for collation in ("unicase", "nowhere"):  # "nowhere": a collation only this writer knows
        connection.create_collation(collation, lambda a, b: (a > b) - (a < b))
    with connection:
        for statement in statements:
            connection.execute(statement)
    connection.close()
    return out


def _revlog(path: Path, healthy: Path, update: str) -> Path:
    """The healthy collection with its revlog retyped loosely (no types, no key), then `update`d."""
    return _sql(path, healthy, "CREATE TABLE loose (id, cid, usn, ease, ivl, lastIvl, factor, time, type)",
                "INSERT INTO loose SELECT * FROM revlog", "DROP TABLE revlog", "ALTER TABLE loose RENAME TO revlog",
                update)


def _view(table: str, select: str) -> tuple[str, ...]:
    return (f"DROP TABLE {table}", f"CREATE VIEW {table} AS {select}")


def _flipped(path: Path, healthy: Path, count: int) -> Path:
    out = path.with_suffix(".anki2")
    data = bytearray(healthy.read_bytes())
    rng = random.Random(12)
    for at in rng.sample(range(100, len(data)), count):  # the header kept: damage inside
        data[at] ^= 0xFF
    out.write_bytes(bytes(data))
    return out


def _truncated(path: Path, healthy: Path) -> Path:
    out = path.with_suffix(".anki2")
    data = healthy.read_bytes()
    out.write_bytes(data[:len(data) // 3])
    return out


if __name__ == "__main__":
    for case in generate(Path(sys.argv[1]), Path(sys.argv[2]), full="--full" in sys.argv):
        print(f"{case.name}: {case.path} → exit {case.exit_code}, '{case.message}'")
