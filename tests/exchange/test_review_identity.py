"""A review keeps its identity through export and import: re-importing our own export adds
nothing, even when two reviews share a millisecond and the export had to move one of them."""

from __future__ import annotations

import sqlite3
import zipfile
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from leaderdeck.exchange.export import export_with_progress
from leaderdeck.exchange.merge import import_anki
from leaderdeck.progress.store import AnkiRow, Imported

from .conftest import answer

SAME_MS = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
CARDS = ["testcourse/first-lesson/plain-card#0", "testcourse/first-lesson/reverse-card#0",
         "testcourse/first-lesson/reverse-card#1"]
NOW = 1_800_000_000
NOW_MS = NOW * 1000


def revlog(package: Path, folder: Path) -> list[tuple]:
    with zipfile.ZipFile(package) as archive:
        archive.extract("collection.anki2", folder)
    with sqlite3.connect(folder / "collection.anki2") as db:
        rows = db.execute("SELECT * FROM revlog ORDER BY id").fetchall()
    (folder / "collection.anki2").unlink()
    return rows


def test_reviews_sharing_a_millisecond_are_not_imported_again(course, store, tmp_path):
    for key in CARDS:
        store.record(answer(key, 3, SAME_MS))
    package = tmp_path / "mine.apkg"
    export_with_progress(course, store, package, NOW, 0)
    assert [row[0] for row in revlog(package, tmp_path)] == [int(SAME_MS.timestamp() * 1000) + n for n in range(3)]

    summary = import_anki(package, course, store, now_ms=NOW_MS)
    assert (summary.added, summary.present) == (0, 3)
    assert store.review_count() == 3


def test_export_import_export_is_a_fixed_point(course, store, tmp_path):
    for n, key in enumerate(CARDS * 3):
        store.record(answer(key, 3 if n % 4 else 1, SAME_MS + timedelta(days=n // 3 * 2)))
    store.record(answer(CARDS[0], 3, SAME_MS + timedelta(days=4, milliseconds=1)))  # right after a bumped id
    first, second = tmp_path / "first.apkg", tmp_path / "second.apkg"
    export_with_progress(course, store, first, NOW, 0)
    summary = import_anki(first, course, store, now_ms=NOW_MS)
    assert summary.added == 0
    export_with_progress(course, store, second, NOW, 0)
    assert revlog(first, tmp_path) == revlog(second, tmp_path)


def test_a_correction_after_an_export_does_not_move_the_other_reviews_of_its_millisecond(course, store, tmp_path):
    # a cloze answer: both gaps at one instant, the first missed; then exported, then "I was right"
    first, second = "testcourse/first-lesson/two-gaps#0", "testcourse/first-lesson/two-gaps#1"
    store.record(answer(first, 1, SAME_MS, "cloze"))
    store.record(answer(second, 3, SAME_MS, "cloze"))
    package = tmp_path / "before.apkg"
    export_with_progress(course, store, package, NOW, 0)
    store.record(replace(answer(first, 3, SAME_MS + timedelta(seconds=5), "cloze"), replaces=SAME_MS))

    summary = import_anki(package, course, store, now_ms=NOW_MS)  # Anki still holds the rows it was given
    assert summary.added == 0
    assert [r.reviewed_at_ms for r in store.history(second)] == [int(SAME_MS.timestamp() * 1000)]


def test_a_review_from_anki_merged_after_an_export_does_not_move_ours(course, store, tmp_path):
    ours = ["testcourse/first-lesson/plain-card#0", "testcourse/second-lesson/last-card#0"]
    for key in ours:
        store.record(answer(key, 3, SAME_MS))
    package = tmp_path / "before.apkg"
    export_with_progress(course, store, package, NOW, 0)
    theirs = Imported.of(answer("testcourse/first-lesson/reverse-card#0", 3, SAME_MS),
                         AnkiRow(1_750_000_001_000, -600, 0, 500, 0))
    assert store.import_reviews([theirs]) == (1, 0)  # from another Anki profile, in the same millisecond

    summary = import_anki(package, course, store, now_ms=NOW_MS)
    assert summary.added == 0


def test_a_review_moved_by_an_export_is_found_however_long_the_cards_history():
    from leaderdeck.progress.replay import _moved

    for count in (3, 5_000):  # fewer times than ms in the window, and more: both ways give the same
        times = {1_000_000 + 7_919 * n for n in range(count)}
        for at, expected in ((1_000_001, True), (1_000_999, True), (1_001_000, False), (1_000_000, False),
                             (999_999, False), (1_007_920, True)):
            assert _moved(times, at) is expected, (count, at)
