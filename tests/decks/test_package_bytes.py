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


def test_an_unwritable_destination_is_a_clear_error(tmp_path):
    import pytest

    from leaderdeck.decks.package import PackageContents, write_package
    from leaderdeck.errors import LeaderdeckError

    contents = PackageContents(models=[], decks=[], notes=[], cards=[])
    with pytest.raises(LeaderdeckError, match="it is a folder"):
        write_package(tmp_path, contents)
    (tmp_path / "afile").write_text("x")
    with pytest.raises(LeaderdeckError, match="cannot write .*afile/deck.apkg"):
        write_package(tmp_path / "afile" / "deck.apkg", contents)


def test_entries_are_deflated_at_the_writers_level():
    """The level is part of the bytes (and of the build's speed): every entry, the streamed
    collection included, is deflated at DEFLATE_LEVEL, so `build --check` agrees across runs."""
    import zlib

    from leaderdeck.decks.package import DEFLATE_LEVEL

    archive = zipfile.ZipFile(ROOT / "decks" / "leadership.apkg")
    for info in archive.infolist():
        compressor = zlib.compressobj(DEFLATE_LEVEL, zlib.DEFLATED, -15)
        expected = compressor.compress(archive.read(info)) + compressor.flush()
        assert info.compress_type == zipfile.ZIP_DEFLATED
        assert info.compress_size == len(expected), info.filename


def test_field_checksum_is_ankis():
    import pytest

    pytest.importorskip("anki")
    import anki.lang
    from anki.utils import field_checksum as ankis

    from leaderdeck.decks.package import field_checksum

    anki.lang.set_lang("en")
    for text in ["leadership/think-big/why", "<p>Hello <b>there</b></p>", "café ünïcode", ""]:
        assert field_checksum(text) == ankis(text), text
