"""A deck's bytes depend on its content only, not on the SQLite library that wrote it."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_sqlite_header_carries_no_library_version():
    database = zipfile.ZipFile(ROOT / "decks" / "leadership.apkg").read("collection.anki2")
    (change_counter,) = struct.unpack(">I", database[24:28])
    valid_for, version = struct.unpack(">II", database[92:100])
    assert valid_for == change_counter
    assert version == 3_040_001  # pinned by the writer, whatever SQLite is installed
