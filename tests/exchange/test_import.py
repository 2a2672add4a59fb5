"""Anki → notebook: reviews done in a real Anki collection, exported every way Anki can, merged
into the progress store."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from leaderdeck.cli import main
from leaderdeck.decks.compile import note_guid
from leaderdeck.exchange.export import export_with_progress
from leaderdeck.exchange.merge import import_anki
from leaderdeck.identity import CardKey

from .conftest import anki_card, answer_in_anki, import_package

# card → the ratings given in Anki (CardAnswer values: 1 Again … 4 Easy)
ANKI_REVIEWS = {
    "testcourse/first-lesson/plain-card#0": [3, 3],
    "testcourse/first-lesson/reverse-card#1": [1, 3],
    "testcourse/first-lesson/two-gaps#1": [4],
    "testcourse/second-lesson/last-card#0": [3, 1, 3],
}
NOW_MS = int(time.time() * 1000)  # Anki dates these reviews with the real clock
FORMATS = ["apkg-current", "apkg-legacy", "colpkg-current", "colpkg-legacy", "collection"]


def studied_in_anki(collection, project: Path) -> None:
    """The published deck imported, FSRS on, our cards and one note of the learner's own reviewed."""
    collection.set_config("fsrs", True)
    import_package(collection, project / "decks" / "testcourse.apkg", with_scheduling=False)
    own = collection.new_note(collection.models.by_name("Basic"))
    own["Front"], own["Back"] = "Capital of France", "Paris"
    collection.add_note(own, collection.decks.id("Default"))
    answer_in_anki(collection, own.cards()[0], 3)
    for key, ratings in ANKI_REVIEWS.items():
        card_key = CardKey.parse(key)
        for rating in ratings:
            answer_in_anki(collection, anki_card(collection, note_guid(card_key.note), card_key.ordinal), rating)


def export(collection, form: str, folder: Path) -> Path:
    from anki.collection import ExportAnkiPackageOptions

    kind, _, version = form.partition("-")
    if kind == "collection":
        return Path(collection.path)
    out = folder / f"{form}.{kind}"
    if kind == "apkg":
        options = ExportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True, with_media=False,
                                           legacy=version == "legacy")
        collection.export_anki_package(out_path=str(out), options=options, limit=None)
    else:
        collection.export_collection_package(str(out), include_media=False, legacy=version == "legacy")
        collection.reopen()  # a collection export closes the collection, as for a full sync
    return out


@pytest.mark.parametrize("form", FORMATS)
def test_reviews_done_in_anki_come_back_once(form, project, course, store, new_collection, tmp_path):
    collection = new_collection()
    studied_in_anki(collection, project)
    path = export(collection, form, tmp_path)
    expected = sum(len(r) for r in ANKI_REVIEWS.values())

    first = import_anki(path, course, store, now_ms=NOW_MS)
    assert (first.added, first.present, first.unmatched) == (expected, 0, 1)
    again = import_anki(path, course, store, now_ms=NOW_MS)
    assert (again.added, again.present, again.unmatched) == (0, expected, 1)
    assert store.review_count() == expected

    for key, ratings in ANKI_REVIEWS.items():
        card_key = CardKey.parse(key)
        card = anki_card(collection, note_guid(card_key.note), card_key.ordinal)
        history = store.history(key)
        revlog = collection.db.all("SELECT id, ease FROM revlog WHERE cid = ? ORDER BY id", card.id)
        assert [[r.reviewed_at_ms, r.rating] for r in history] == revlog, key
        assert [r.rating for r in history] == ratings, key
        assert {r.origin for r in history} == {"anki"}
        progress = store.card(key)
        assert (progress.reps, progress.lapses) == (card.reps, card.lapses), key
        # replayed through the same FSRS-6 defaults Anki schedules with: the same memory
        assert progress.memory.stability == pytest.approx(card.memory_state.stability, abs=1e-3), key
        assert progress.memory.difficulty == pytest.approx(card.memory_state.difficulty, abs=1e-3), key


def test_round_trip_notebook_to_anki_and_back(project, course, store, new_collection, tmp_path):
    """Progress exported to Anki, one more review there, then imported back: only that one is new."""
    from .test_export import local_offset, study

    now = datetime.now(UTC)
    study(store, now)
    before = store.review_count()
    package = tmp_path / "mine.apkg"
    export_with_progress(course, store, package, int(now.timestamp()), local_offset())
    collection = new_collection()
    import_package(collection, package, with_scheduling=True)
    key = CardKey.parse("testcourse/second-lesson/last-card#0")
    answer_in_anki(collection, anki_card(collection, note_guid(key.note), 0), 3)

    summary = import_anki(export(collection, "apkg-current", tmp_path), course, store, now_ms=NOW_MS)
    assert (summary.added, summary.present) == (1, before)
    assert store.review_count() == before + 1
    assert store.card(str(key)).reps == 1


def test_cli_reports_counts(project, new_collection, tmp_path, capsys):
    collection = new_collection()
    studied_in_anki(collection, project)
    path = export(collection, "colpkg-current", tmp_path)
    args = ["import-anki", str(path), "--lessons", str(project / "lessons"), "--store", str(tmp_path / "s.sqlite3")]
    assert main(args) == 0
    assert "added 8 reviews, 0 already present, 1 unmatched" in capsys.readouterr().out
    assert main(args) == 0
    assert "added 0 reviews, 8 already present, 1 unmatched" in capsys.readouterr().out


def test_package_without_scheduling_says_how_to_export(project, course, store, new_collection, tmp_path):
    from anki.collection import ExportAnkiPackageOptions

    collection = new_collection()
    studied_in_anki(collection, project)
    out = tmp_path / "no-scheduling.apkg"
    collection.export_anki_package(out_path=str(out), limit=None, options=ExportAnkiPackageOptions(
        with_scheduling=False, with_deck_configs=False, with_media=False, legacy=False))
    summary = import_anki(out, course, store, now_ms=NOW_MS)
    assert (summary.added, summary.present) == (0, 0)
    assert "Include scheduling information" in "\n".join(summary.report())
    assert store.review_count() == 0
