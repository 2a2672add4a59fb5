"""Progress moves between the site and the desktop as the store file: a snapshot of one store
merged into another adds its reviews once, with the same schedule as answering there."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from leaderdeck.events import Answer, Rating
from leaderdeck.identity import CardKey, NoteKey
from leaderdeck.progress.files import ReadOnlyCopyError
from leaderdeck.progress.scheduler import to_ms
from leaderdeck.progress.store import STORE_FILE, AnkiRow, Imported, Reschedule, Review, open_store
from leaderdeck.site.exchange import merge_store, read_only_copy, snapshot

START = datetime(2026, 3, 2, 9, tzinfo=UTC)


def answers(lesson: str) -> list[Answer]:
    card = CardKey(NoteKey("course", lesson, "item"), 0)
    return [Answer(card, "flashcard", rating != Rating.AGAIN, rating, 4000, START + timedelta(days=day))
            for day, rating in ((0, Rating.GOOD), (3, Rating.AGAIN), (4, Rating.GOOD))]


def test_a_snapshot_merged_on_the_desktop_adds_each_review_once_with_the_same_schedule(tmp_path: Path):
    with open_store(tmp_path / "site.sqlite3") as site:
        for answer in answers("doors"):
            site.record(answer)
        expected = site.cards()
        download = tmp_path / "download.sqlite3"
        download.write_bytes(snapshot(site.path))
    with open_store(tmp_path / "desktop.sqlite3") as desktop:
        desktop.record(answers("other")[0])
        assert merge_store(download, desktop) == (3, 0)
        assert merge_store(download, desktop) == (0, 3)  # a second merge adds nothing
        assert desktop.review_count() == 4
        merged = {card.card: card for card in desktop.cards()}
        for card in expected:
            assert merged[card.card].memory == card.memory


def through_the_site(tmp_path: Path, added: int) -> Path:
    """`tmp_path`'s desktop store uploaded into a site store (adding `added` reviews), and that
    store's download."""
    upload = tmp_path / "upload.sqlite3"
    upload.write_bytes(snapshot(tmp_path / "desktop.sqlite3"))
    with open_store(tmp_path / "site.sqlite3") as site:
        assert merge_store(upload, site) == (added, 0)
    back = tmp_path / "back.sqlite3"
    back.write_bytes(snapshot(tmp_path / "site.sqlite3"))
    return back


def test_a_desktop_store_merged_into_the_site_store_and_back_changes_nothing(tmp_path: Path):
    with open_store(tmp_path / "desktop.sqlite3") as desktop:
        for answer in answers("doors"):
            desktop.record(answer)
    back = through_the_site(tmp_path, added=3)
    with open_store(tmp_path / "desktop.sqlite3") as desktop:
        assert merge_store(back, desktop) == (0, 3)


def test_a_merged_store_keeps_each_reviews_origin_and_what_anki_logged(tmp_path: Path):
    """Site ↔ desktop ↔ Anki: a review from Anki stays Anki's (its card id, ivl, factor, type, and
    the Forget / Set due date entries), so an export writes Anki's rows back as Anki wrote them."""
    card = CardKey(NoteKey("course", "doors", "item"), 0)
    from_anki = [Answer(card, "flashcard", True, Rating.GOOD, 4000, START + timedelta(days=day)) for day in (0, 5)]
    rows = [AnkiRow(1_700_000_000_001, 3, 0, 2500, 0), AnkiRow(1_700_000_000_001, 9, 3, 2500, 1)]
    reset = Reschedule(str(card), to_ms(START + timedelta(days=7)), 0, AnkiRow(1_700_000_000_001, 2, 9, 2500, 4))
    with open_store(tmp_path / "desktop.sqlite3") as desktop:
        desktop.import_reviews([Imported.of(a, row) for a, row in zip(from_anki, rows, strict=True)],
                               origin="anki", reschedules=[reset])
        desktop.record(answers("doors")[2])  # answered in a notebook, after Anki's
        expected = (desktop.history(), desktop.review_log(), desktop.cards())
    back = through_the_site(tmp_path, added=3)
    with open_store(tmp_path / "again.sqlite3") as again:
        merge_store(back, again)
        history, log, cards = again.history(), again.review_log(), again.cards()
    def origins(reviews: list[Review]) -> list[tuple[int, str]]:
        return sorted((r.reviewed_at_ms, r.origin) for r in reviews)

    assert origins(history) == origins(expected[0])
    assert {r.origin for r in history} == {"anki", "leaderdeck"}
    assert log == expected[1]  # Anki's own values and its Set due date entry, unchanged
    assert cards == expected[2]


def test_a_read_only_copy_shows_the_writers_progress_and_refuses_answers_with_the_reason(tmp_path: Path):
    """The site's second tab: the writer's store (reviews still in its write-ahead log) copied,
    read, and never written; the writer's files stay as they were."""
    writer = open_store(tmp_path / "idb" / "progress.sqlite3")
    try:
        for answer in answers("doors"):
            writer.record(answer)
        assert (tmp_path / "idb" / "progress.sqlite3-wal").stat().st_size > 0  # the reviews are in the WAL
        files = {p.name: p.read_bytes() for p in (tmp_path / "idb").iterdir()}
        copy = read_only_copy(writer.path, tmp_path / "read-only", "this page is read-only")
        assert {p.name: p.read_bytes() for p in (tmp_path / "idb").iterdir()} == files
        expected = writer.cards()
    finally:
        writer.close()
    with open_store(copy) as shown:
        assert shown.read_only and shown.cards() == expected
        with pytest.raises(ReadOnlyCopyError, match="^this page is read-only$"):  # for good: not kept
            shown.record(answers("other")[0])
    assert read_only_copy(tmp_path / "nothing-yet.sqlite3", tmp_path / "empty", "x") == tmp_path / "empty" / STORE_FILE
    with open_store(tmp_path / "empty" / STORE_FILE) as empty:
        assert empty.read_only and empty.review_count() == 0


def test_a_correction_merged_after_the_miss_it_corrects_replaces_it(tmp_path: Path):
    """"I was right" given on the site after a download that had the miss: merged later, the
    correction replaces the miss on the desktop too (one review, the corrected schedule), as on the site."""
    card = CardKey(NoteKey("course", "doors", "item"), 0)
    with open_store(tmp_path / "site.sqlite3") as site:
        site.record(answers("doors")[0])
        site.record(Answer(card, "flashcard", False, Rating.AGAIN, 4000, START + timedelta(days=2)))
        first = tmp_path / "first.sqlite3"
        first.write_bytes(snapshot(site.path))
        site.record(Answer(card, "flashcard", True, Rating.GOOD, 0, START + timedelta(days=2, minutes=1),
                           replaces=START + timedelta(days=2)))
        second = tmp_path / "second.sqlite3"
        second.write_bytes(snapshot(site.path))
        expected = site.cards(), site.review_count()
    with open_store(tmp_path / "desktop.sqlite3") as desktop:
        assert merge_store(first, desktop) == (2, 0)
        assert merge_store(second, desktop) == (1, 1)
        assert (desktop.cards(), desktop.review_count()) == expected
        desktop.rebuild_cards()
        assert desktop.cards() == expected[0]
        assert merge_store(second, desktop) == (0, 2)


def test_the_panel_tells_the_learner_about_their_file_not_the_kernels_copy_of_it(tmp_path: Path):
    """The start page's merge: a refused file is named as the learner chose it (the message named
    the kernel's temporary copy, /tmp/…/upload.sqlite3), and a review dated in the future, which
    the merge skips, is reported as skipped rather than left out of the count."""
    from leaderdeck.site.panel import ProgressPanel

    with open_store(tmp_path / "site.sqlite3") as site:
        site.record(answers("doors")[0])
    panel = ProgressPanel(tmp_path / "site.sqlite3", writer=True)
    refused = panel.merge(b"\0" * 4096, "my-notes.sqlite3")
    assert refused.startswith("Not merged: my-notes.sqlite3 is not a leaderdeck progress file"), refused
    assert "/tmp" not in refused and "upload.sqlite3" not in refused
    with open_store(tmp_path / "other.sqlite3") as other:
        other.record(answers("other")[0])
        other.record(Answer(CardKey(NoteKey("course", "later", "item"), 0), "flashcard", True, Rating.GOOD, 4000,
                            datetime.now(UTC) + timedelta(days=30)))
    merged = panel.merge((tmp_path / "other.sqlite3").read_bytes(), "other.sqlite3")
    assert merged == ("Merged other.sqlite3: 1 review added, 0 already here. 1 dated more than a day in the future "
                      "was skipped: check the clock of the device that made them."), merged
    with open_store(tmp_path / "site.sqlite3") as site:
        assert site.review_count() == 2


def test_a_read_only_dashboard_counts_the_cards_the_writer_only_answered_in_quizzes(tmp_path: Path):
    """A second tab's start page counted none of the cards the first tab had answered since its
    last dashboard: a quiz leaves a new card unplaced in its lesson, and a read-only store cannot
    place it. The copy is placed before it becomes read-only."""
    from leaderdeck.course import load_course
    from leaderdeck.progress.api import dashboard_of
    from leaderdeck.progress.catalog import catalog_of

    catalog = catalog_of(load_course(Path(__file__).resolve().parents[1] / "notebooks" / "fixtures" / "lessons"))
    first = catalog.cards[0]
    with open_store(tmp_path / "idb" / STORE_FILE) as writer:  # as a lesson's quiz records: no catalog given
        writer.record(Answer(CardKey.parse(first.key), first.kind, True, Rating.GOOD, 4000, datetime.now(UTC)))
        copy = read_only_copy(writer.path, tmp_path / "read-only", "this page is read-only", catalog)
    with open_store(copy) as shown:
        assert shown.read_only
        lesson = next(s for s in dashboard_of(shown, catalog, datetime.now(UTC)).lessons if s.lesson == first.lesson)
        assert lesson.learning + lesson.learned == 1


def test_commits_made_while_the_store_is_copied_to_indexeddb_make_one_more_copy(monkeypatch: pytest.MonkeyPatch):
    """Each commit started its own copy of the whole store to IndexedDB (Emscripten warned of nine
    at once after a matching quiz); now one runs at a time, and one more when commits came in."""
    import sys
    import types

    from leaderdeck.site import browser

    ffi = types.ModuleType("pyodide.ffi")
    ffi.create_once_callable = lambda function: function  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "pyodide", types.ModuleType("pyodide"))
    monkeypatch.setitem(sys.modules, "pyodide.ffi", ffi)
    monkeypatch.setattr(browser, "_saving", {"running": False, "again": False}, raising=False)
    copies: list[object] = []  # the callbacks of the copies started, each called when its copy ends
    fs = types.SimpleNamespace(syncfs=lambda populate, done: copies.append(done))
    for _ in range(9):  # nine commits in a row
        browser._save_soon(fs)
    assert len(copies) == 1
    copies[0]()  # type: ignore[operator]
    assert len(copies) == 2  # the later commits, copied once
    copies[1]()  # type: ignore[operator]
    browser._save_soon(fs)
    assert len(copies) == 3
