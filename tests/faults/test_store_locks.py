"""A locked store: the error names the writer, and nothing recorded before or after it is lost."""

from __future__ import annotations

import os
import signal
import sqlite3
import time

import pytest

from leaderdeck.progress.locks import writer_pids
from leaderdeck.progress.store import open_store

from .conftest import finish, python

pytestmark = pytest.mark.faults

# Process A: records one answer per line read ("n"), answering "ok n" once committed or
# "locked <message>" when the store stayed locked; it keeps the store open throughout.
RECORDER = """
import sys
from datetime import UTC, datetime, timedelta
from leaderdeck.events import Answer, Rating
from leaderdeck.identity import CardKey
from leaderdeck.progress.store import StoreLockedError, open_store

store = open_store(sys.argv[1], busy_timeout=float(sys.argv[2]))
print("open", flush=True)
for line in sys.stdin:
    n = int(line)
    at = datetime(2025, 6, 2, 9, tzinfo=UTC) + timedelta(seconds=n)
    try:
        store.record(Answer(CardKey.parse(f"c/l/item{n % 5}#0"), "choice", True, Rating.GOOD, 100, at))
    except StoreLockedError as error:
        print("locked", str(error).replace(chr(10), " "), flush=True)
    else:
        print("ok", n, flush=True)
"""

# Process B: holds the write lock with bare SQLite for a while, then exits.
HOLDER = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
db.execute("ROLLBACK")
db.close()
"""

IDLE = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("SELECT count(*) FROM reviews").fetchone()
print("open", flush=True)
time.sleep(60)
"""


def ask(process, n: int) -> str:
    process.stdin.write(f"{n}\n")
    process.stdin.flush()
    return process.stdout.readline().strip()


def test_a_lock_error_then_a_kill_loses_no_acknowledged_answer(tmp_path):
    path = tmp_path / "progress.sqlite3"
    open_store(path).close()
    a = b = None
    a = python(RECORDER, path, 0.5)
    try:
        assert a.stdout.readline().strip() == "open"
        acknowledged = [ask(a, 0)]
        b = python(HOLDER, path, 1.5)
        assert b.stdout.readline().strip() == "locked"
        refused = ask(a, 1)
        assert refused.startswith("locked") and f"pid {b.pid}" in refused, refused
        assert b.wait(timeout=10) == 0
        acknowledged += [ask(a, n) for n in range(2, 12)]
        assert acknowledged == [f"ok {n}" for n in (0, *range(2, 12))]
        time.sleep(0.2)
        os.kill(a.pid, signal.SIGKILL)
        a.wait(timeout=10)
    finally:
        finish(a, b)
    check = sqlite3.connect(path)
    try:
        assert check.execute("SELECT count(*) FROM reviews").fetchone()[0] == 11
    finally:
        check.close()


def test_the_locked_message_names_the_writer_not_idle_readers(tmp_path):
    path = tmp_path / "progress.sqlite3"
    open_store(path).close()
    a, idle = python(RECORDER, path, 0.3), python(IDLE, path)
    b = None
    try:
        assert a.stdout.readline().strip() == "open" and idle.stdout.readline().strip() == "open"
        b = python(HOLDER, path, 1.0)
        assert b.stdout.readline().strip() == "locked"
        refused = ask(a, 1)
        assert refused.startswith("locked") and f"pid {b.pid}" in refused, refused
        assert f"pid {idle.pid}" not in refused and f"pid {a.pid}" not in refused
    finally:
        finish(a, idle, b)


def test_only_granted_write_locks_on_the_writer_bytes_count(tmp_path):
    path = tmp_path / "progress.sqlite3"
    open_store(path).close()
    shm = path.parent / "progress.sqlite3-shm"
    shm.write_bytes(b"")
    st = os.stat(shm)
    dev = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    table = tmp_path / "locks"
    table.write_text(f"1: POSIX  ADVISORY  WRITE 41 {dev} 120 120\n"
                     f"2: POSIX  ADVISORY  READ 42 {dev} 120 120\n"  # a reader
                     f"3: POSIX  ADVISORY  WRITE 43 {dev} 128 128\n"  # a read mark, not the writer
                     f"3: -> POSIX  ADVISORY  WRITE 44 {dev} 120 120\n"  # waiting, not holding
                     f"4: OFDLCK ADVISORY  WRITE -1 {dev} 0 EOF\n"
                     f"5: POSIX  ADVISORY  WRITE 45 00:01:{st.st_ino} 120 120\n"  # another device
                     "garbage line\n")
    assert writer_pids(path, table) == [41]
    assert writer_pids(path, tmp_path / "missing") == []
