"""Nothing lost: concurrent writers, killed writers, damaged files and locked stores."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from leaderdeck.cli import main
from leaderdeck.progress.scheduler import to_ms
from leaderdeck.progress.store import StoreDamagedError, StoreLockedError, open_store

from .conftest import T0, answer, key

WRITER = """
import sys
from datetime import timedelta
from leaderdeck.events import Answer, Rating
from leaderdeck.identity import CardKey
from leaderdeck.progress.store import open_store
from tests.progress.conftest import T0

path, offset, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
store = open_store(path)
print("open", flush=True)
for n in range(count):
    at = T0 + timedelta(milliseconds=offset + 10 * n)
    right = n % 3 != 0
    store.record(Answer(CardKey.parse(f"c/l/item{n % 7}#0"), "choice", right,
                        Rating(3 if right else 1), 100, at))
    print(offset + 10 * n, flush=True)  # printed only once the review is committed
"""

ROOT = Path(__file__).resolve().parents[2]


def writer(path: Path, offset: int, count: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(offset), str(count)],
                            cwd=ROOT, stdout=subprocess.PIPE, text=True)


def assert_consistent(path: Path) -> None:
    with open_store(path) as store:
        assert store._db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        cached = store.cards()
        store.rebuild_cards()
        assert store.cards() == cached


@pytest.mark.slow
def test_two_processes_answering_at_once_lose_no_review(tmp_path):
    path = tmp_path / "p.sqlite3"
    open_store(path).close()
    writers = [writer(path, offset, 300) for offset in (0, 1)]
    outputs = [w.communicate(timeout=120)[0].split() for w in writers]
    assert all(w.returncode == 0 for w in writers)
    with open_store(path) as store:
        assert store.review_count() == 600
        assert sum(card.reps for card in store.cards()) == 600
    assert sum(len(lines) - 1 for lines in outputs) == 600
    assert_consistent(path)


@pytest.mark.slow
def test_a_writer_killed_mid_write_many_times_leaves_every_committed_review(tmp_path):
    path = tmp_path / "p.sqlite3"
    rng = random.Random(5)
    committed: set[int] = set()
    for run in range(12):
        child = writer(path, run * 10_000_000, 1_000_000)
        assert child.stdout.readline().strip() == "open"
        time.sleep(rng.uniform(0.02, 0.3))
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate(timeout=30)
        committed |= {int(line) for line in out.split()}
        with open_store(path) as store:
            stored = {r.reviewed_at_ms - to_ms(T0) for r in store.history()}
        assert committed <= stored  # a review may be committed but not yet printed, never the reverse
        assert_consistent(path)
    assert len(committed) > 100


def test_a_file_that_is_not_sqlite_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "progress.sqlite3"
    path.write_text("my shopping list\n")
    with pytest.raises(StoreDamagedError) as caught:
        open_store(path)
    message = str(caught.value)
    assert str(path) in message and "not an SQLite database" in message
    assert ".recover" in message and "rename it" in message
    assert path.read_text() == "my shopping list\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["progress.sqlite3"]


def test_another_programs_database_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "progress.sqlite3"
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE recipes (name TEXT)")
    other.commit()
    other.close()
    before = path.read_bytes()
    with pytest.raises(StoreDamagedError, match="not a leaderdeck progress store"):
        open_store(path)
    assert path.read_bytes() == before


def test_a_damaged_store_names_the_file_and_how_to_recover(tmp_path):
    path = tmp_path / "progress.sqlite3"
    with open_store(path) as store:
        for n in range(200):
            store.record(answer(key(f"item{n}"), True, T0))
        store._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    data[4096:] = bytes([0xA5]) * (len(data) - 4096)  # every page after the schema page
    path.write_bytes(bytes(data))
    with pytest.raises(StoreDamagedError) as caught, open_store(path) as store:
        store.history()
    assert str(path) in str(caught.value) and ".recover" in str(caught.value)
    assert path.read_bytes() == bytes(data)


def test_the_cli_reports_a_damaged_store_without_a_traceback(home, capsys):
    home.mkdir(parents=True)
    (home / "progress.sqlite3").write_bytes(b"\x00garbage" * 100)
    assert main(["stats", "--lessons", str(ROOT / "lessons")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: the progress store") and "Traceback" not in err


LOCKER = """
import sys, time
from leaderdeck.progress.store import open_store
store = open_store(sys.argv[1])
store._db.execute("BEGIN IMMEDIATE")
store._db.execute("DELETE FROM cards WHERE 0")
print("locked", flush=True)
time.sleep(60)
"""


def test_a_locked_store_waits_then_names_what_holds_it(tmp_path):
    path = tmp_path / "p.sqlite3"
    open_store(path).close()
    holder = subprocess.Popen([sys.executable, "-c", LOCKER, str(path)], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with open_store(path, busy_timeout=0.3) as store:
            started = time.monotonic()
            with pytest.raises(StoreLockedError) as caught:
                store.record(answer(key("pick"), True, T0))
            assert time.monotonic() - started >= 0.3  # it waited before giving up
            message = str(caught.value)
            assert f"pid {holder.pid}" in message and str(path) in message
            assert "nothing was recorded" in message
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
        holder.stdout.close()
    with open_store(path) as store:  # once the holder is gone, the answer goes through
        store.record(answer(key("pick"), True, T0))
        assert store.review_count() == 1
