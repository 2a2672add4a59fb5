"""Notebook → Anki: a deck carrying the store's progress, imported into a real Anki collection."""

from __future__ import annotations

import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from leaderdeck.cli import main
from leaderdeck.decks.compile import note_guid
from leaderdeck.errors import LeaderdeckError
from leaderdeck.exchange import api as exchange_api
from leaderdeck.exchange.export import default_export_path, export_with_progress
from leaderdeck.identity import CardKey
from leaderdeck.progress import api as progress_api
from leaderdeck.progress.scheduler import from_ms

from .conftest import anki_card, answer, import_package

ROLLOVER = timedelta(hours=4)  # Anki's day starts at 4 am local time
STUDIED = {  # card → (rating, days ago) in order
    "testcourse/first-lesson/plain-card#0": [(3, 10), (3, 7)],  # review, due in about a week
    "testcourse/first-lesson/reverse-card#1": [(3, 0.002)],  # learning, due in minutes
    "testcourse/first-lesson/two-gaps#0": [(3, 20), (3, 17), (1, 0.04)],  # lapsed: relearning
    "testcourse/first-lesson/pick-one#0": [(3, 40), (3, 37)],  # review, overdue
}
KINDS = {"plain-card": "flashcard", "reverse-card": "flashcard", "two-gaps": "cloze", "pick-one": "choice"}


def study(store, now: datetime) -> None:
    for key, answers in STUDIED.items():
        for rating, days_ago in answers:
            store.record(answer(key, rating, now - timedelta(days=days_ago), KINDS[CardKey.parse(key).note.item]))


def local_offset() -> int:
    return int(datetime.now().astimezone().utcoffset().total_seconds())


def anki_day(ms: int) -> object:
    """The calendar day Anki files an instant under: days start at 4 am in the local time zone."""
    return (from_ms(ms).astimezone() - ROLLOVER).date()


def test_studied_cards_keep_due_dates_memory_and_history_in_anki(project, course, store, new_collection):
    now = datetime.now(UTC)
    study(store, now)
    lock_before = (project / "decks" / "testcourse.lock.json").read_bytes()
    deck_before = (project / "decks" / "testcourse.apkg").read_bytes()
    out = project / "build" / "mine.apkg"
    summary = export_with_progress(course, store, out, int(now.timestamp()), local_offset())
    assert (summary.studied, summary.reviews) == (4, 8)

    collection = new_collection()
    import_package(collection, out, with_scheduling=True)
    today = anki_day(int(now.timestamp() * 1000))
    for key in STUDIED:
        progress, card_key = store.card(key), CardKey.parse(key)
        card = anki_card(collection, note_guid(card_key.note), card_key.ordinal)
        memory = progress.memory
        assert (card.reps, card.lapses) == (progress.reps, progress.lapses), key
        assert card.memory_state.stability == pytest.approx(memory.stability, abs=1e-4), key
        assert card.memory_state.difficulty == pytest.approx(memory.difficulty, abs=1e-3), key
        if memory.state == 2:  # review: due on the same calendar day, counted from Anki's today
            assert (card.type, card.queue) == (2, 2), key
            assert card.due - collection.sched.today == (anki_day(memory.due_ms) - today).days, key
        else:  # (re)learning steps are due at a moment, in epoch seconds
            assert (card.type, card.queue, card.due) == (memory.state, 1, memory.due_ms // 1000), key
        logged = collection.db.all("SELECT id, ease FROM revlog WHERE cid = ? ORDER BY id", card.id)
        assert logged == [[r.reviewed_at_ms, r.rating] for r in store.history(key)], key
    assert collection.db.scalar("SELECT count() FROM revlog") == store.review_count()
    assert collection.db.scalar("SELECT count() FROM cards WHERE type = 0 AND queue = 0") == 11 - len(STUDIED)
    assert (project / "decks" / "testcourse.lock.json").read_bytes() == lock_before
    assert (project / "decks" / "testcourse.apkg").read_bytes() == deck_before


def test_lapsed_card_is_relearning_and_overdue_card_is_due_now(project, course, store, new_collection):
    now = datetime.now(UTC)
    study(store, now)
    out = project / "build" / "mine.apkg"
    export_with_progress(course, store, out, int(now.timestamp()), local_offset())
    collection = new_collection()
    import_package(collection, out, with_scheduling=True)
    collection.decks.select(collection.decks.id_for_name("Test Course"))
    relearning = anki_card(collection, note_guid(CardKey.parse("testcourse/first-lesson/two-gaps#0").note), 0)
    overdue = anki_card(collection, note_guid(CardKey.parse("testcourse/first-lesson/pick-one#0").note), 0)
    assert (relearning.type, relearning.left % 1000) == (3, 1)
    assert overdue.due < collection.sched.today
    counts = collection.sched.counts()
    assert counts[2] >= 1  # the overdue review is in today's queue


def test_without_progress_every_card_stays_new(project, course, store, new_collection):
    out = project / "build" / "mine.apkg"
    summary = export_with_progress(course, store, out, 1_800_000_000, 0)
    assert (summary.cards, summary.studied, summary.reviews) == (11, 0, 0)
    collection = new_collection()
    import_package(collection, out, with_scheduling=True)
    assert collection.db.scalar("SELECT count() FROM cards WHERE type = 0") == 11


def test_refuses_to_overwrite_the_published_deck(project, course, store):
    published = project / "decks" / "testcourse.apkg"
    before = published.read_bytes()
    with pytest.raises(LeaderdeckError, match="is the published deck"):
        export_with_progress(course, store, published, 1_800_000_000, 0)
    assert published.read_bytes() == before


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_refuses_to_write_over_the_progress_store(suffix, project, course, store, capsys):
    study(store, datetime(2025, 6, 2, tzinfo=UTC))
    kept = [store.path, Path(f"{store.path}-wal")]  # -shm holds no data: reading changes it
    files = [file.read_bytes() for file in kept]
    roundabout = store.path.parent / ".." / store.path.parent.name / (store.path.name + suffix)
    code = main(["export-anki", "--lessons", str(project / "lessons"), "--store", str(store.path),
                 "--out", str(roundabout)])
    assert code == 1
    assert "is your progress store" in capsys.readouterr().err
    assert [file.read_bytes() for file in kept] == files
    assert store.review_count() == 8


@pytest.mark.parametrize("other", ["anki collection", "lesson file", "pipe"])
def test_refuses_to_replace_a_file_that_is_not_a_package(other, project, course, store, tmp_path, capsys):
    if other == "anki collection":  # the learner's whole Anki history
        target = tmp_path / "Anki2" / "collection.anki2"
        target.parent.mkdir()
        sqlite3.connect(target).execute("CREATE TABLE revlog (id)").connection.close()
    elif other == "lesson file":
        target = project / "lessons" / "course.yaml"
    else:  # as a device would be (--out /dev/null as root replaced the device)
        target = tmp_path / "pipe"
        os.mkfifo(target)
    before = b"" if other == "pipe" else target.read_bytes()
    code = main(["export-anki", "--lessons", str(project / "lessons"), "--store", str(store.path),
                 "--out", str(target)])
    assert code == 1
    assert "exists and is not an Anki package" in capsys.readouterr().err
    assert stat.S_ISFIFO(os.stat(target).st_mode) if other == "pipe" else target.read_bytes() == before
    export_with_progress(course, store, tmp_path / "mine.apkg", 1_800_000_000, 0)  # a package it wrote: replaced
    export_with_progress(course, store, tmp_path / "mine.apkg", 1_800_000_001, 0)


def test_cli_writes_to_build_by_default(project, course, store, capsys):
    study(store, datetime.now(UTC))
    code = main(["export-anki", "--lessons", str(project / "lessons"), "--store", str(store.path)])
    output = capsys.readouterr().out
    assert code == 0
    assert default_export_path(course) == project / "build" / "testcourse-with-progress.apkg"
    assert default_export_path(course).is_file()
    assert "4 with progress, 8 reviews" in output and "Import any learning progress: ON" in output


def test_cli_out_option(project, store, tmp_path: Path):
    target = tmp_path / "elsewhere" / "deck.apkg"
    assert main(["export-anki", "--lessons", str(project / "lessons"), "--store", str(store.path),
                 "--out", str(target)]) == 0
    assert target.is_file()


# A child writing a package to argv[1] that stops in the middle, with the package's temporary file
# and folder made: it kills itself ("kill"), as SIGKILL during export-anki would, or says where it
# stands and waits to be told to finish ("live").
WRITES_A_PACKAGE = """
import os, signal, sys
from pathlib import Path
from leaderdeck.decks import package

def stopped(database, contents):
    print(database.parent, flush=True)
    if sys.argv[2] == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    sys.stdin.read()
    raise SystemExit(0)

package.write_collection = stopped
package.write_package(Path(sys.argv[1]), None)
"""


def test_files_left_by_a_killed_export_are_removed_by_the_next(project, course, store, tmp_path, monkeypatch):
    scratch, out = tmp_path / "tmp", tmp_path / "out" / "deck.apkg"
    scratch.mkdir()
    out.parent.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(scratch))
    env = os.environ | {"TMPDIR": str(scratch), "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    children: list[subprocess.Popen[str]] = []

    def writer(how: str) -> tuple[Path, Path]:
        """The child's temporary folder, and its temporary file beside `out`."""
        before = set(out.parent.iterdir())
        children.append(subprocess.Popen([sys.executable, "-c", WRITES_A_PACKAGE, str(out), how], env=env,
                                         text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE))
        folder = Path(children[-1].stdout.readline().strip())
        (file,) = set(out.parent.iterdir()) - before
        return folder, file

    try:
        killed = writer("kill")
        assert children[0].wait(10) == -signal.SIGKILL
        live = writer("live")
        assert all(file.name.startswith(".deck.apkg.") and file.name.endswith(".tmp") for _, file in (killed, live))
        export_with_progress(course, store, out, 1_800_000_000, 0)
        assert sorted(out.parent.iterdir()) == sorted([out, live[1]])  # the live one is in use: left alone
        assert sorted(scratch.iterdir()) == [live[0]]
        children[1].communicate("", timeout=10)
        assert children[1].returncode == 0 and list(out.parent.iterdir()) == [out] and list(scratch.iterdir()) == []
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
            child.communicate()


def test_anki_days_are_counted_in_the_zone_the_store_falls_back_to(project, store, tmp_path, monkeypatch):
    """TZ=UTC-14 is 14 h east for the C library but no zone tzlocal can use, so the store counts days
    in UTC: the export's day numbers must come from that same zone, not the C library's offset."""
    offsets: list[int] = []
    write = exchange_api.export_with_progress

    def watched(*args):  # (course, store, out, now, utc_offset_s)
        offsets.append(args[-1])
        return write(*args)

    monkeypatch.setattr(exchange_api, "export_with_progress", watched)
    monkeypatch.setattr(progress_api, "_zone_warned", False)
    monkeypatch.setattr("tzlocal.unix._cache_tz", None)  # as in a process started with this TZ
    with monkeypatch.context() as zone:
        zone.setenv("TZ", "UTC-14")
        time.tzset()
        try:
            assert datetime.now().astimezone().utcoffset() == timedelta(hours=14)
            exchange_api.export_anki(project / "lessons", store=store.path, out=tmp_path / "deck.apkg")
            assert offsets == [progress_api.local_now().utcoffset().total_seconds()] == [0]
        finally:
            zone.undo()
            time.tzset()
