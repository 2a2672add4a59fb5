"""Which files the store opens, and what it leaves behind: ours only, healthy only, unchanged
when refused; never an acknowledged answer that was not written."""

from __future__ import annotations

import hashlib
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from leaderdeck.errors import LeaderdeckError
from leaderdeck.progress import api, migrations
from leaderdeck.progress.migrations import APPLICATION_ID, MIGRATIONS, schema_version
from leaderdeck.progress.store import StoreDamagedError, StoreError, open_store

from .conftest import T0, answer, key


def files(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


# -- one answer, one row ------------------------------------------------------------------------

def test_a_different_answer_in_the_same_millisecond_is_stored_one_millisecond_later(store):
    first = store.record(answer(key("pick"), True, T0))
    second = store.record(answer(key("pick"), False, T0))
    assert second != first and not second.correct
    assert second.reviewed_at_ms == first.reviewed_at_ms + 1 and second.before == first.after
    assert store.record(answer(key("pick"), False, T0)) == second  # a retry finds its own row
    assert store.record(answer(key("pick"), True, T0)) == first
    assert store.review_count() == 2 and store.card(key("pick")).reps == 2
    cached = store.cards()
    store.rebuild_cards()
    assert store.cards() == cached


# -- ours, by application_id -------------------------------------------------------------------

def test_a_new_store_is_marked_as_ours(tmp_path):
    with open_store(tmp_path / "p.sqlite3") as store:
        assert store._db.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)
        assert store._db.execute("PRAGMA user_version").fetchone() == (MIGRATIONS[-1].version,)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.sqlite3"]


def test_a_store_from_before_the_mark_is_marked_by_a_named_migration(tmp_path):
    path = tmp_path / "p.sqlite3"
    old = sqlite3.connect(path, isolation_level=None)
    migrations.migrate(old, 0, [m for m in MIGRATIONS if m.version <= 3])
    old.execute("PRAGMA application_id = 0")
    old.execute("PRAGMA user_version = 0")
    old.close()
    with open_store(path) as store:
        assert store._db.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)
        assert schema_version(store._db) == MIGRATIONS[-1].version
        names = [n for (n,) in store._db.execute("SELECT name FROM schema_migrations")]
        assert "mark the file as a leaderdeck progress store" in names


FOREIGN = {
    "rails": ["CREATE TABLE schema_migrations (version varchar NOT NULL PRIMARY KEY)",
              "CREATE TABLE ar_internal_metadata (key varchar PRIMARY KEY, value varchar)",
              "INSERT INTO schema_migrations VALUES ('20240101120000')"],
    "golang-migrate": ["CREATE TABLE schema_migrations (version uint64, dirty bool)",
                       "INSERT INTO schema_migrations VALUES (3, 0)"],
    "lookalike": [*(s for m in MIGRATIONS[:3] for s in m.statements), "CREATE TABLE extra (x)"],
    "recipes": ["CREATE TABLE recipes (name TEXT)"],
    "other application_id": ["PRAGMA application_id = 1234", "CREATE TABLE recipes (name TEXT)"],
}


@pytest.mark.parametrize("kind", FOREIGN)
def test_another_programs_database_is_refused_by_its_mark_and_left_untouched(tmp_path, kind):
    path = tmp_path / "progress.sqlite3"
    other = sqlite3.connect(path, isolation_level=None)
    for statement in FOREIGN[kind]:
        other.execute(statement)
    other.close()
    before = files(tmp_path)
    with pytest.raises(StoreDamagedError, match="not a leaderdeck progress store") as caught:
        open_store(path)
    assert shlex.quote(str(path)) in str(caught.value)
    assert files(tmp_path) == before


def test_inside_a_quiz_a_foreign_database_is_our_error_not_a_crash(tmp_path):
    path = tmp_path / "progress.sqlite3"
    other = sqlite3.connect(path, isolation_level=None)
    for statement in FOREIGN["rails"]:
        other.execute(statement)
    other.close()
    with pytest.raises(LeaderdeckError):
        api.default_answer_handler(path)(answer(key("pick")))


# -- empty, newer, read-only, damaged ------------------------------------------------------------

def test_a_zero_byte_store_is_refused_not_silently_replaced(tmp_path):
    path = tmp_path / "progress.sqlite3"
    path.write_bytes(b"")
    with pytest.raises(StoreDamagedError, match="is empty") as caught:
        open_store(path)
    assert "delete it" in str(caught.value)
    assert files(tmp_path) == {"progress.sqlite3": hashlib.sha256(b"").hexdigest()}


def test_a_folder_a_pipe_or_a_device_as_the_store_is_named_never_deleted(tmp_path):
    folder, pipe = tmp_path / "progress.sqlite3", tmp_path / "pipe.sqlite3"
    folder.mkdir()
    os.mkfifo(pipe)
    with pytest.raises(StoreError, match="is a folder: give the store file in it"):
        open_store(folder)
    for path in (pipe, Path(os.devnull)):
        with pytest.raises(StoreError, match="is not a regular file") as caught:
            open_store(path)
        assert "rm " not in str(caught.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe.sqlite3", "progress.sqlite3"]


def test_a_store_path_that_loops_is_our_error_not_a_crash(tmp_path):
    loop = tmp_path / "progress.sqlite3"
    loop.symlink_to(loop)
    with pytest.raises(StoreError, match="symbolic links"):
        api.shared_store(loop)
    with pytest.raises(StoreError, match="symbolic links"):
        open_store(loop)


def _hot_copy(source: Path, target: Path, statement: str) -> None:
    """Copy a store and its -wal while a writer holds it open: a crash left the WAL behind."""
    writer = sqlite3.connect(source, isolation_level=None)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute(statement)
    for suffix in ("", "-wal"):
        shutil.copy(f"{source}{suffix}", f"{target}{suffix}")
    writer.close()


def test_a_newer_store_with_a_hot_wal_is_refused_and_left_byte_identical(tmp_path):
    source, path = tmp_path / "source.sqlite3", tmp_path / "copy" / "progress.sqlite3"
    path.parent.mkdir()
    open_store(source).close()
    _hot_copy(source, path, "PRAGMA user_version = 99")
    before = files(path.parent)
    assert set(before) == {"progress.sqlite3", "progress.sqlite3-wal"}
    with pytest.raises(StoreError, match="newer leaderdeck"):
        open_store(path)
    after = files(path.parent)
    after.pop("progress.sqlite3-shm", None)  # SQLite's shared index: no data in it
    assert after == before


def test_no_new_store_is_made_beside_the_wal_of_one_moved_away(tmp_path):
    source, path = tmp_path / "source.sqlite3", tmp_path / "copy" / "progress.sqlite3"
    path.parent.mkdir()
    with open_store(source) as store:
        store.record(answer(key("pick")))
    _hot_copy(source, path, "UPDATE reviews SET duration_ms = duration_ms + 1")
    path.rename(path.with_name("progress.sqlite3.damaged"))  # "rename it", the -wal left behind
    before = files(path.parent)
    with pytest.raises(StoreError, match="progress.sqlite3-wal is still there"):
        open_store(path)
    assert files(path.parent) == before


def test_reading_a_read_only_store_leaves_no_wal_or_shm(tmp_path, monkeypatch):
    path = tmp_path / "progress.sqlite3"
    with open_store(path) as store:
        store.record(answer(key("pick")))
    os.chmod(path, 0o444)
    as_a_user = _without_root_powers(path)
    if as_a_user is not None:  # the kernel refuses the write, as it does for a learner
        module = _use_read_only.__module__  # this file, imported as pytest imported it
        tests = Path(__file__).parents[module.count(".")]
        code = (f"import sys; sys.path[:0] = [{str(SRC)!r}, {str(tests)!r}]; "
                f"import {module} as m; m._use_read_only({str(path)!r})")
        subprocess.run([*as_a_user, sys.executable, "-c", code], check=True, cwd=tmp_path, timeout=120)
    else:  # root that cannot drop its powers may write anything: only its answer can be faked
        real_access = os.access
        monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if Path(p) == path and mode & os.W_OK
                            else real_access(p, mode, **kw))
        _use_read_only(str(path))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["progress.sqlite3"]


SRC = Path(__file__).resolve().parents[2] / "src"


def test_a_writable_store_in_a_read_only_folder_names_the_folder(tmp_path):
    """SQLite creates -wal and -shm beside the store: `chmod u+w` on the file cannot help."""
    folder = tmp_path / "read-only folder"
    path = folder / "progress.sqlite3"
    with open_store(path) as store:
        store.record(answer(key("pick")))
    os.chmod(folder, 0o555)
    as_a_user = _without_root_powers(folder)
    if as_a_user is None:
        pytest.skip("root that cannot drop its powers may write into any folder")
    code = ("import sys; from leaderdeck.progress.store import open_store, StoreError\n"
            "try: open_store(sys.argv[1]).close()\nexcept StoreError as error: print(error)")
    try:
        shown = subprocess.run([*as_a_user, sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                               check=True, cwd=tmp_path, timeout=120, env=os.environ | {"PYTHONPATH": str(SRC)}).stdout
    finally:
        os.chmod(folder, 0o755)
    assert f"the folder {folder} of the progress store is read-only" in shown
    assert f"chmod u+w '{folder}'" in shown


def _use_read_only(path: str) -> None:
    """Read a store the process may not write, and be refused when answering into it."""
    with open_store(path) as store:
        assert store.review_count() == 1 and store.read_only
        with pytest.raises(StoreError, match="read-only"):
            store.record(answer(key("pick"), at=T0.replace(hour=10)))


def _without_root_powers(read_only: Path) -> list[str] | None:
    """A command prefix under which file permissions hold: none for a user; for root, `setpriv`
    without the capabilities that override them (the interpreter may sit in root's home, so
    another user could not run it). None when root cannot drop them here."""
    if os.geteuid() != 0:
        return []
    prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-all"]
    probe = f"import os; raise SystemExit(os.access({str(read_only)!r}, os.W_OK))"
    try:
        result = subprocess.run([*prefix, sys.executable, "-c", probe], capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return prefix if result.returncode == 0 else None


def test_an_invalid_text_value_is_reported_as_damage(tmp_path):
    path = tmp_path / "progress.sqlite3"
    with open_store(path) as store:
        store.record(answer(key("pick")))
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("UPDATE reviews SET response = CAST(x'fffe41' AS TEXT)")
    raw.close()
    with open_store(path) as store, pytest.raises(StoreDamagedError) as caught:
        store.history()
    assert "damaged" in str(caught.value) and "disk is not full" not in str(caught.value)


def test_a_schema_that_is_not_utf8_is_reported_as_damage(tmp_path):
    path = tmp_path / "progress.sqlite3"
    with open_store(path) as store:
        store.record(answer(key("pick")))
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("PRAGMA writable_schema = ON")  # SQLite's error then quotes the bad bytes: UnicodeDecodeError
    raw.execute("UPDATE sqlite_master SET sql = CAST(? AS TEXT) WHERE name = 'cards_by_due'",
                (b"CREATE INDEX cards_by_due ON cards (\xffdue)",))
    raw.close()
    before = path.read_bytes()
    with pytest.raises(StoreDamagedError, match="not valid UTF-8"):
        open_store(path)
    assert path.read_bytes() == before and not _size(Path(f"{path}-wal"))  # the probe's empty -wal is none


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


@pytest.mark.parametrize(("setting", "damaged"), [
    ("desired_retention", "{bad"), ("desired_retention", '"0.9"'), ("desired_retention", "[1, 2]"),
    ("desired_retention", "1e-300"),  # saved before the floor: FSRS's interval overflowed on every answer
    ("fsrs_parameters", '["x"]'), ("fsrs_parameters", "[1, 2]"), ("rollover_hour", "99"), ("rollover_hour", "4.5")])
def test_a_damaged_saved_setting_is_left_out_and_answers_are_still_recorded(setting, damaged, tmp_path):
    path = tmp_path / "progress.sqlite3"
    with open_store(path) as store:
        store.save_settings({"desired_retention": 0.85, "rollover_hour": 2})
        store.record(answer(key("pick")))
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", (setting, damaged))
    raw.close()
    with open_store(path) as store:  # these only refine the schedule: the next import-anki saves them again
        assert setting not in store.saved_settings() and len(store.saved_settings()) >= 1
        store.record(answer(key("pick"), at=T0.replace(hour=11)))
        assert store.review_count() == 2
    api.shared_store(path)  # the notebooks' way in reads the rollover hour too


def test_the_recovery_command_quotes_the_path(tmp_path):
    folder = tmp_path / "it's mine"
    folder.mkdir()
    path = folder / "progress.sqlite3"
    path.write_text("not a database at all\n")
    with pytest.raises(StoreDamagedError) as caught:
        open_store(path)
    message = str(caught.value)
    aside = shlex.quote(f"{path}.damaged")
    assert f"mv {shlex.quote(str(path))} {aside}\n" in message
    assert f"sqlite3 {aside} .recover | sqlite3 {shlex.quote(str(path))}" in message


def test_the_recovery_advice_moves_the_wal_with_the_file_never_over_it(tmp_path):
    source, path = tmp_path / "source.sqlite3", tmp_path / "copy" / "progress.sqlite3"
    path.parent.mkdir()
    open_store(source).close()
    _hot_copy(source, path, "UPDATE schema_migrations SET name = 'x'")
    with path.open("r+b") as damaged:
        damaged.write(b"not an SQLite header")
    with pytest.raises(StoreDamagedError) as caught:
        open_store(path)
    message = str(caught.value)
    assert f"mv {path} {path}.damaged; mv {path}-wal {path}.damaged-wal\n" in message
    assert f"sqlite3 {path}.damaged .recover | sqlite3 {path}\n" in message
    assert "recovered.sqlite3" not in message  # moved over the store, it lost it when .recover failed
