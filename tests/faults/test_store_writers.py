"""Many processes answering the same cards at the same instants, and writers killed at random
points: every acknowledged answer is in the log, nothing else is, and the card cache is what a
rebuild from the log gives."""

from __future__ import annotations

import random
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from leaderdeck.progress.store import open_store

from .conftest import finish, python, scaled

pytestmark = pytest.mark.faults

# Answers card n % 4 at T0 + n seconds: every writer uses the same cards and the same instants,
# so writers collide on the same (card, millisecond). The response names the writer, so no two
# answers are the same answer. Prints each answer once it is acknowledged (committed).
WRITER = """
import sys
from datetime import UTC, datetime, timedelta
from leaderdeck.events import Answer, Rating
from leaderdeck.identity import CardKey
from leaderdeck.progress.store import open_store

path, name, start, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
store = open_store(path, busy_timeout=30)
print("open", flush=True)
for n in range(start, start + count):
    right = (n + len(name)) % 3 != 0
    answer = Answer(CardKey.parse(f"c/l/item{n % 4}#0"), "choice", right, Rating(3 if right else 1), 100,
                    datetime(2025, 6, 2, 9, tzinfo=UTC) + timedelta(seconds=n), f"{name}:{n}")
    review = store.record(answer)
    print(review.card, review.reviewed_at_ms, review.response, flush=True)
"""


def stored(path: Path) -> set[tuple[str, int, str]]:
    db = sqlite3.connect(path)
    try:
        return {(card, at, response) for card, at, response in
                db.execute("SELECT card, reviewed_at, response FROM reviews")}
    finally:
        db.close()


def acknowledged(output: str) -> set[tuple[str, int, str]]:
    complete = output.split("\n")[:-1]  # a writer killed mid-print leaves a partial last line
    return {(card, int(at), response) for card, at, response in (line.split() for line in complete[1:])}


def assert_cache_is_the_log(path: Path) -> None:
    with open_store(path) as store:
        assert store._db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        cached = store.cards()
        store.rebuild_cards()
        assert store.cards() == cached


def test_writers_answering_the_same_cards_at_once_are_all_stored(tmp_path):
    path = tmp_path / "progress.sqlite3"
    count = scaled(40, 300)
    writers = [python(WRITER, path, f"w{n}", 0, count) for n in range(scaled(4, 8))]  # no store yet
    try:
        outputs = [w.communicate(timeout=120)[0] for w in writers]
    finally:
        finish(*writers)
    assert [w.returncode for w in writers] == [0] * len(writers)
    promised = set().union(*map(acknowledged, outputs))
    assert len(promised) == count * len(writers)  # one row each, however they collided
    assert stored(path) == promised
    assert_cache_is_the_log(path)


def test_writers_killed_at_random_points_lose_no_acknowledged_answer(tmp_path):
    path = tmp_path / "progress.sqlite3"
    rng, promised = random.Random(21), set()
    for run in range(scaled(4, 25)):
        writers = [python(WRITER, path, f"r{run}w{n}", run * 100_000, 100_000) for n in range(2)]
        try:
            for w in writers:
                assert w.stdout.readline().strip() == "open"
            time.sleep(rng.uniform(0.05, 0.4))
            for w in writers:
                w.send_signal(signal.SIGKILL)
            outputs = [w.communicate(timeout=30)[0] for w in writers]
        finally:
            finish(*writers)
        promised |= set().union(*map(acknowledged, outputs))
        assert promised <= stored(path)  # committed but not yet printed is fine, never the reverse
        assert_cache_is_the_log(path)
    assert len(promised) > 20
