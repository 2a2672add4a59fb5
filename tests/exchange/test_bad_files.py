"""A damaged or foreign file gets one clear message naming it, and the store is left byte for byte."""

from __future__ import annotations

import shutil
import sqlite3
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from leaderdeck.cli import main
from leaderdeck.exchange import AnkiFileError, anki_read, import_anki
from leaderdeck.exchange.export import export_with_progress
from leaderdeck.progress.store import open_store

from .conftest import answer


def store_files(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(path.parent.glob(path.name + "*"))}


@pytest.fixture
def studied_store(project: Path) -> Path:
    path = project / "home" / "progress.sqlite3"
    with open_store(path) as store:
        store.record(answer("testcourse/first-lesson/plain-card#0", 3, datetime(2025, 5, 1, tzinfo=UTC)))
    return path


def zip_with(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def foreign_collection(folder: Path, new_collection) -> Path:
    """A real Anki export whose notes are all the learner's own."""
    collection = new_collection("foreign")
    note = collection.new_note(collection.models.by_name("Basic"))
    note["Front"], note["Back"] = "Capital of France", "Paris"
    collection.add_note(note, collection.decks.id("Default"))
    out = folder / "foreign.colpkg"
    collection.export_collection_package(str(out), include_media=False, legacy=False)
    collection.reopen()
    return out


def make_bad(kind: str, folder: Path, new_collection) -> Path:
    sqlite_file = folder / "other.sqlite3"
    with sqlite3.connect(sqlite_file) as db:
        db.execute("CREATE TABLE things (x)")
    makers = {
        "missing": lambda: folder / "nowhere.apkg",
        "empty": lambda: _write(folder / "empty.apkg", b""),
        "text": lambda: _write(folder / "notes.apkg", b"just some notes\n"),
        "folder": lambda: folder,
        "truncated zip": lambda: _truncated(folder),
        "zip without collection": lambda: zip_with(folder / "photos.apkg", {"photo.jpg": b"\xff\xd8"}),
        "damaged anki21b": lambda: zip_with(folder / "bad.colpkg", {"collection.anki21b": b"not zstd at all"}),
        "damaged anki2": lambda: zip_with(folder / "bad.apkg", {"collection.anki2": b"SQLite format 3\x00junk"}),
        "other sqlite": lambda: sqlite_file,
        "none of our notes": lambda: foreign_collection(folder, new_collection),
    }
    return makers[kind]()


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _truncated(folder: Path) -> Path:
    whole = zip_with(folder / "whole.apkg", {"collection.anki2": b"x" * 5000})
    cut = folder / "cut.apkg"
    cut.write_bytes(whole.read_bytes()[:200])
    return cut


MESSAGES = {
    "missing": "no such file",
    "empty": "is not an Anki file",
    "text": "is not an Anki file",
    "folder": "is a folder",
    "truncated zip": "is a damaged zip file",
    "zip without collection": "is a zip file but not an Anki export",
    "damaged anki21b": "collection.anki21b is damaged",
    "damaged anki2": "does not hold an SQLite database",
    "other sqlite": "cannot be read as an Anki collection",
    "none of our notes": "holds none of the notes of the course 'testcourse'",
}


@pytest.mark.parametrize("kind", list(MESSAGES))
def test_bad_file_is_named_and_store_untouched(kind, project, studied_store, new_collection, tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    path = make_bad(kind, folder, new_collection)
    before = store_files(studied_store)
    with pytest.raises(AnkiFileError) as raised:
        import_anki(path, project / "lessons", store=studied_store)
    message = str(raised.value)
    assert MESSAGES[kind] in message
    assert path.name in message
    assert store_files(studied_store) == before


def test_cli_prints_the_message_and_exits_1(project, studied_store, tmp_path, capsys):
    bad = tmp_path / "notes.apkg"
    bad.write_text("not a deck")
    before = store_files(studied_store)
    code = main(["import-anki", str(bad), "--lessons", str(project / "lessons"), "--store", str(studied_store)])
    error = capsys.readouterr().err
    assert code == 1
    assert error.startswith("error: ") and "notes.apkg is not an Anki file" in error
    assert "Traceback" not in error
    assert store_files(studied_store) == before


def _free_space(monkeypatch: pytest.MonkeyPatch, free: int) -> None:
    monkeypatch.setattr(anki_read.shutil, "disk_usage", lambda _: shutil._ntuple_diskusage(1 << 40, 1 << 40, free))


def test_a_small_file_fits_a_small_temporary_disk_and_a_refusal_gives_real_sizes(project, course, studied_store,
                                                                                tmp_path, monkeypatch):
    package = tmp_path / "mine.apkg"
    with open_store(studied_store) as store:
        export_with_progress(course, store, package, 1_800_000_000, 0)
    _free_space(monkeypatch, 6 << 20)  # a 6 MB disk takes a collection of some 100 KB
    with anki_read.open_collection(package) as collection:
        assert collection.note_count() > 0
    _free_space(monkeypatch, 64 << 10)
    with pytest.raises(AnkiFileError, match=r"needs more than \d+ KB unpacked and the temporary folder's "
                                            r"disk has \d+ KB to spare"), anki_read.open_collection(package):
        pass


def test_a_file_name_with_a_line_break_or_escape_stays_one_line(project, studied_store, tmp_path, capsys):
    bad = tmp_path / "deck\nerror: fake\x1b[31m.apkg"
    bad.write_text("not a deck")
    code = main(["import-anki", str(bad), "--lessons", str(project / "lessons"), "--store", str(studied_store)])
    error = capsys.readouterr().err
    assert code == 1
    assert error.count("\n") == 1 and "\x1b" not in error
    assert "deck\\nerror: fake\\x1b[31m.apkg is not an Anki file" in error
