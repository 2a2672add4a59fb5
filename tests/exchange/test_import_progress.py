"""`leaderdeck import-progress FILE`: the site's download (another progress store) merged into the
desktop's, with import-anki's guarantees. A hostile or foreign file gets one line naming it and
exit 1, the store byte for byte as it was; a healthy one adds each review once and says so."""

from __future__ import annotations

import os
import shutil
import sqlite3
import struct
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from leaderdeck.cli import main
from leaderdeck.progress.store import AnkiRow, Imported, Reschedule, open_store
from leaderdeck.site.exchange import snapshot

from .conftest import answer
from .test_bad_files import store_files

CARDS = ["testcourse/first-lesson/plain-card#0", "testcourse/first-lesson/reverse-card#1",
         "testcourse/second-lesson/last-card#0"]
T0 = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
YEAR_3000_MS = 32_503_680_000_000


@pytest.fixture(scope="module")
def healthy(tmp_path_factory) -> Path:
    """The site's download: a snapshot of a store with notebook answers and reviews from Anki."""
    folder = tmp_path_factory.mktemp("site")
    with open_store(folder / "site.sqlite3") as site:
        for n, key in enumerate(CARDS * 2):
            site.record(answer(key, 3, T0 + timedelta(days=n)))
        site.import_reviews([Imported.of(answer(CARDS[0], 1, T0 + timedelta(days=9)),
                                         AnkiRow(1_700_000_000_123, -600, 3, 5000, 1))], origin="anki",
                            reschedules=[Reschedule(CARDS[1], int((T0 + timedelta(days=10)).timestamp() * 1000), 0,
                                                    AnkiRow(1_700_000_000_124, 4, 2, 5000, 4))])
    download = folder / "leaderdeck-progress.sqlite3"
    download.write_bytes(snapshot(folder / "site.sqlite3"))
    return download


@pytest.fixture
def desktop(tmp_path: Path) -> Path:
    path = tmp_path / "home" / "progress.sqlite3"
    with open_store(path) as store:
        store.record(answer(CARDS[0], 3, T0 - timedelta(days=30)))
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_merges_each_review_once_and_reports_it(healthy, desktop, capsys):
    code, out, err = run(capsys, "import-progress", str(healthy), "--store", str(desktop))
    assert (code, err) == (0, "")
    assert [line.removeprefix(str(healthy.parent) + "/") for line in out.splitlines()] == [
        "leaderdeck-progress.sqlite3: added 7 reviews, 0 already present",
        "  1 Forget / Set due date entries from Anki came with them"]
    code, out, _ = run(capsys, "import-progress", str(healthy), "--store", str(desktop))
    assert code == 0 and "added 0 reviews, 7 already present" in out
    with open_store(desktop) as store:
        assert store.review_count() == 8
        assert {r.origin for r in store.history()} == {"leaderdeck", "anki"}
        assert [r.anki for r in store.review_log() if r.anki is not None] == [
            AnkiRow(1_700_000_000_123, -600, 3, 5000, 1), AnkiRow(1_700_000_000_124, 4, 2, 5000, 4)]


def test_a_store_merged_into_itself_changes_nothing(desktop, capsys):
    before = store_files(desktop)
    code, out, _ = run(capsys, "import-progress", str(desktop), "--store", str(desktop))
    assert code == 0 and "added 0 reviews, 1 already present" in out
    with open_store(desktop) as store:
        assert store.review_count() == 1
    assert store_files(desktop)["progress.sqlite3"] == before["progress.sqlite3"]


def test_import_anki_given_the_sites_file_names_the_command_that_merges_it(project, healthy, desktop, capsys):
    before = store_files(desktop)
    code, _, err = run(capsys, "import-anki", str(healthy), "--lessons", str(project / "lessons"),
                       "--store", str(desktop))
    assert code == 1
    assert "leaderdeck-progress.sqlite3 is a leaderdeck progress file, not Anki's: merge it with " \
           "`leaderdeck import-progress`" in err
    assert store_files(desktop) == before


def test_reviews_still_in_the_write_ahead_log_are_merged(desktop, tmp_path, capsys):
    other = open_store(tmp_path / "other" / "progress.sqlite3")  # open: its reviews are in its -wal
    try:
        other.record(answer(CARDS[2], 4, T0))
        assert (tmp_path / "other" / "progress.sqlite3-wal").stat().st_size > 0
        code, out, _ = run(capsys, "import-progress", str(other.path), "--store", str(desktop))
    finally:
        other.close()
    assert code == 0 and "added 1 reviews, 0 already present" in out


# -- hostile and foreign files: (make the file from the healthy one, exit code, message fragment) --

Maker = Callable[[Path, Path], Path]


def _write(data: bytes) -> Maker:
    def make(path: Path, healthy: Path) -> Path:
        path.write_bytes(data)
        return path
    return make


def _sql(*statements: str, checks: bool = True) -> Maker:
    """The healthy file changed by `statements` (CHECK constraints off unless `checks`)."""
    def make(path: Path, healthy: Path) -> Path:
        shutil.copyfile(healthy, path)
        connection = sqlite3.connect(path, isolation_level=None)
        connection.execute(f"PRAGMA ignore_check_constraints = {'OFF' if checks else 'ON'}")
        for statement in statements:
            connection.execute(statement)
        connection.close()
        return path
    return make


def _fifo(path: Path, healthy: Path) -> Path:
    os.mkfifo(path)
    return path


def _fifo_wal(path: Path, healthy: Path) -> Path:
    shutil.copyfile(healthy, path)
    os.mkfifo(path.with_name(path.name + "-wal"))
    return path


def _symlink_loop(path: Path, healthy: Path) -> Path:
    os.symlink(path.name + "-b", path)
    os.symlink(path.name, path.with_name(path.name + "-b"))
    return path


def _folder(path: Path, healthy: Path) -> Path:
    path.mkdir()
    return path


def _claims_size(path: Path, healthy: Path) -> Path:
    """Only a first page, whose header claims 2 GB (beyond any store)."""
    header = bytearray(healthy.read_bytes()[:4096])
    page_size = struct.unpack(">H", header[16:18])[0]
    header[28:32] = struct.pack(">I", (2 << 30) // page_size)
    header[92:96] = header[24:28]
    path.write_bytes(bytes(header))
    return path


def _flipped(path: Path, healthy: Path) -> Path:
    data = bytearray(healthy.read_bytes())
    for at in range(100, len(data), max(1, len(data) // 200)):
        data[at] ^= 0xFF
    path.write_bytes(bytes(data))
    return path


def _truncated(path: Path, healthy: Path) -> Path:
    data = healthy.read_bytes()
    path.write_bytes(data[:len(data) // 3])
    return path


def _anki_collection(path: Path, healthy: Path) -> Path:
    with sqlite3.connect(path) as db:
        for table in ("notes (id, guid)", "cards (id, nid, ord)", "revlog (id, cid, ease, time)"):
            db.execute(f"CREATE TABLE {table}")
    return path


def _other_sqlite(path: Path, healthy: Path) -> Path:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE things (x)")
    return path


def _zip(path: Path, healthy: Path) -> Path:
    shutil.make_archive(str(path), "zip", healthy.parent, healthy.name)
    return Path(str(path) + ".zip")


FIRST = "(SELECT min(id) FROM reviews)"
CASES: dict[str, tuple[Maker, int, str]] = {
    "missing": (lambda p, h: p, 1, "no such file"),
    "empty": (_write(b""), 1, "is not a leaderdeck progress file"),
    "text": (_write(b"just some notes\n"), 1, "is not a leaderdeck progress file"),
    "folder": (_folder, 1, "is a folder"),
    "fifo": (_fifo, 1, "not a regular file"),
    "fifo as write-ahead log": (_fifo_wal, 1, "not a regular file"),
    "symlink loop": (_symlink_loop, 1, "Too many levels of symbolic links"),
    "an Anki export": (_zip, 1, "merge those with `leaderdeck import-anki`"),
    "an Anki collection": (_anki_collection, 1, "is an Anki collection: merge it with `leaderdeck import-anki`"),
    "other sqlite": (_other_sqlite, 1, "not a leaderdeck progress file"),
    "header claiming 2 GB": (_claims_size, 1, "is too large"),
    "200 flipped bytes": (_flipped, 1, "progress"),
    "truncated": (_truncated, 1, "progress"),
    "newer schema": (_sql("PRAGMA user_version = 99"), 1, "written by a newer leaderdeck"),
    "a trigger": (_sql("CREATE TRIGGER t AFTER INSERT ON cards BEGIN DELETE FROM reviews; END"), 1,
                  "its tables are not those of schema"),
    "a view": (_sql("CREATE VIEW v AS SELECT 1"), 1, "its tables are not those of schema"),
    "rating 9": (_sql(f"UPDATE reviews SET rating = 9 WHERE id = {FIRST}", checks=False), 1,
                 "CHECK constraint failed"),  # SQLite's quick_check finds it
    "rating is text": (_sql(f"UPDATE reviews SET rating = 'good' WHERE id = {FIRST}", checks=False), 1,
                       "is damaged"),
    "time is text": (_sql(f"UPDATE reviews SET reviewed_at = 'soon' WHERE id = {FIRST}"), 1, "'soon'"),
    "time is negative": (_sql(f"UPDATE reviews SET reviewed_at = -5 WHERE id = {FIRST}"), 1, "-5"),
    "card key garbage": (_sql(f"UPDATE reviews SET card = 'not a key' WHERE id = {FIRST}"), 1,
                         "'not a key' is not a card key"),
    "card not utf-8": (_sql(f"UPDATE reviews SET card = CAST(X'fffe41' AS TEXT) WHERE id = {FIRST}"), 1,
                       "cannot be read as a leaderdeck progress file"),
    "huge response": (_sql(f"UPDATE reviews SET response = printf('%.200000c', 'x') WHERE id = {FIRST}"), 1,
                      "values leaderdeck never writes"),
    "anki row half typed": (_sql("UPDATE reviews SET anki_ivl = 'long' WHERE anki_card IS NOT NULL"), 1,
                            "values leaderdeck never writes"),
    "forget entry out of range": (_sql("UPDATE reschedules SET anki_ivl = -3"), 1, "Forget / Set due date"),
    "year 3000": (_sql(f"UPDATE reviews SET reviewed_at = {YEAR_3000_MS} WHERE id = {FIRST}"), 0,
                  "1 reviews dated more than a day in the future were skipped"),
    "9e18 duration": (_sql(f"UPDATE reviews SET duration_ms = 9000000000000000000 WHERE id = {FIRST}"), 0,
                      "added 7 reviews"),
}


@pytest.mark.parametrize("kind", list(CASES))
def test_a_bad_file_is_one_line_naming_it_and_the_store_is_untouched(kind, healthy, desktop, tmp_path, capsys):
    make, expected_code, fragment = CASES[kind]
    (tmp_path / "files").mkdir()
    path = make(tmp_path / "files" / kind.replace(" ", "-"), healthy)
    before = store_files(desktop)
    code, out, err = run(capsys, "import-progress", str(path), "--store", str(desktop))
    assert code == expected_code, err
    if code:
        assert err.startswith("error: ") and err.count("\n") == 1, err
        assert fragment in err and path.name in err, err
        assert "Traceback" not in err
        assert store_files(desktop) == before
    else:
        assert fragment in out
    assert not list(Path(os.environ.get("TMPDIR", "/tmp")).glob("leaderdeck-anki-*/database.sqlite3*"))
