"""Flows between Anki and leaderdeck that must keep every review, checked against the real `anki`
package: Anki's own review-log rows come back unchanged, "Forget" and "Set due date" are applied,
and the documented flow for a profile that already has the deck (import-anki, delete the deck in
Anki, import the export) leaves every review attached to its card with the store's schedule."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from leaderdeck.decks.compile import note_guid
from leaderdeck.exchange.api import import_anki
from leaderdeck.exchange.export import IMPORT_ADVICE, export_with_progress
from leaderdeck.identity import CardKey
from leaderdeck.progress.api import learner_days
from leaderdeck.progress.catalog import catalog_of
from leaderdeck.progress.store import open_store

from .conftest import anki_card, answer, answer_in_anki

anki_collection = pytest.importorskip("anki.collection")

FORGOTTEN = "testcourse/first-lesson/plain-card#0"
MOVED = "testcourse/second-lesson/last-card#0"  # "Set due date" to 9 days from today
PLANS = ([3, 3], [1, 3, 3], [4], [3, 3, 3])  # ratings per card, by its place in the catalog


def open_anki(path: Path):
    import anki.lang

    anki.lang.set_lang("en")
    return anki_collection.Collection(str(path))


def import_into(collection, package: Path, *, with_scheduling: bool) -> None:
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    collection.import_anki_package(ImportAnkiPackageRequest(package_path=str(package), options=ImportAnkiPackageOptions(
        with_scheduling=with_scheduling, with_deck_configs=True)))


def key_card(collection, key: str):
    card_key = CardKey.parse(key)
    return anki_card(collection, note_guid(card_key.note), card_key.ordinal)


def study_in_anki(project: Path, path: Path, course) -> None:
    """The published deck in a profile where the learner's own card already holds the id of our
    first card (so Anki gives ours another id), every card studied, one forgotten, one moved."""
    collection = open_anki(path)
    try:
        collection.set_config("fsrs", True)
        own = collection.new_note(collection.models.by_name("Basic"))
        own["Front"], own["Back"] = "Capital of France", "Paris"
        collection.add_note(own, collection.decks.id("Default"))
        import sqlite3

        with sqlite3.connect(project / "decks" / "testcourse.apkg.db") as package:
            taken = package.execute("SELECT min(id) FROM cards").fetchone()[0]
        collection.db.execute("UPDATE cards SET id = ? WHERE id = ?", taken, own.cards()[0].id)
        import_into(collection, project / "decks" / "testcourse.apkg", with_scheduling=False)
        assert key_card(collection, FORGOTTEN).id != taken  # Anki gave our first card another id
        for n, card in enumerate(catalog_of(course).cards):
            for rating in PLANS[n % len(PLANS)]:
                answer_in_anki(collection, key_card(collection, card.key), rating)
        collection.sched.schedule_cards_as_new([key_card(collection, FORGOTTEN).id], restore_position=True,
                                               reset_counts=False)
        collection.sched.set_due_date([key_card(collection, MOVED).id], "9")
    finally:
        collection.close()


@pytest.fixture
def studied(project, course, tmp_path):
    import zipfile

    with zipfile.ZipFile(project / "decks" / "testcourse.apkg") as archive:
        (project / "decks" / "testcourse.apkg.db").write_bytes(archive.read("collection.anki2"))
    path = tmp_path / "anki" / "collection.anki2"
    path.parent.mkdir()
    study_in_anki(project, path, course)
    return path


def revlog_by_card(collection) -> dict[tuple, list]:
    """Every review-log row with the (GUID, ordinal) of the card it is attached to, or None."""
    rows = collection.db.all("SELECT r.id, r.ease, r.ivl, r.lastIvl, r.factor, r.time, r.type, n.guid, c.ord "
                             "FROM revlog AS r LEFT JOIN cards AS c ON c.id = r.cid "
                             "LEFT JOIN notes AS n ON n.id = c.nid ORDER BY r.id")
    return {tuple(row[:7]): (row[7], row[8]) for row in rows}


def anki_day(collection, card) -> int:
    """The card's due day, as days from Anki's today."""
    return card.due - collection.sched.today


def test_anki_rows_come_back_unchanged(project, course, studied, tmp_path):
    """Anki → leaderdeck → Anki (a fresh profile) writes Anki's own rows back as Anki wrote them."""
    collection = open_anki(studied)
    original = {row: where for row, where in revlog_by_card(collection).items() if where[0].startswith("ld")}
    collection.close()
    store_path = tmp_path / "store.sqlite3"
    import_anki(studied, project / "lessons", store=store_path)
    package = tmp_path / "mine.apkg"
    with open_store(store_path) as store:
        export_with_progress(course, store, package, int(datetime.now(UTC).timestamp()), 0)
    fresh = tmp_path / "fresh" / "collection.anki2"
    fresh.parent.mkdir()
    collection = open_anki(fresh)
    try:
        import_into(collection, package, with_scheduling=True)
        assert revlog_by_card(collection) == original
        preset = collection.decks.config_dict_for_deck_id(collection.decks.id_for_name("Test Course"))
        assert preset["desiredRetention"] == pytest.approx(0.9) and preset["new"]["bury"]  # the preset arrived
    finally:
        collection.close()


def test_forget_and_set_due_date_are_applied(project, course, studied, tmp_path):
    store_path = tmp_path / "store.sqlite3"
    summary = import_anki(studied, project / "lessons", store=store_path)
    assert summary.skipped == 0
    collection = open_anki(studied)
    try:
        with open_store(store_path) as store:
            assert store.card(FORGOTTEN) is None  # new again, as in Anki
            assert key_card(collection, FORGOTTEN).type == 0
            moved, ours = key_card(collection, MOVED), store.card(MOVED).memory
            days = learner_days(4)  # Anki here counts days from 4 am on this machine's clock
            today = days.day_of(int(datetime.now(UTC).timestamp() * 1000))
            assert days.day_of(ours.due_ms) - today == anki_day(collection, moved) == 9
            assert ours.stability == pytest.approx(moved.memory_state.stability, abs=1e-3)
    finally:
        collection.close()


def test_profile_that_has_the_deck_keeps_every_review(project, course, studied, tmp_path):
    """The README's flow: import-anki, study in the notebooks, delete the deck in Anki, import the
    export with progress. Every review ends in Anki's log on its own card; the schedule is the store's."""
    store_path = tmp_path / "store.sqlite3"
    import_anki(studied, project / "lessons", store=store_path)
    later = datetime.now(UTC)  # Anki moves review-log ids from its future to its now: study in the past
    catalog = catalog_of(course)
    with open_store(store_path) as store:
        for n, card in enumerate(catalog.cards[:5]):
            store.record(answer(card.key, 3 if n % 2 else 1, later + timedelta(milliseconds=n), card.kind))
        time.sleep(0.01)
        package = tmp_path / "mine.apkg"
        export_with_progress(course, store, package, int(later.timestamp()), 0)
        history = {(r.reviewed_at_ms, r.card) for r in store.history()}
        progress = {c.card: c for c in store.cards()}

    collection = open_anki(studied)
    try:
        before = revlog_by_card(collection)
        days = learner_days(4)
        today = days.day_of(int(time.time() * 1000))
        collection.decks.remove([collection.decks.id_for_name("Test Course")])
        import_into(collection, package, with_scheduling=True)
        after = revlog_by_card(collection)
        assert None not in {where[0] for where in after.values()}  # no orphaned row
        assert {row: where for row, where in after.items() if row in before} == before  # Anki's rows as they were
        guid_of = {note_guid(CardKey.parse(c.key).note): c.key.rsplit("#", 1)[0] for c in catalog.cards}
        in_anki = {(row[0], f"{guid_of[guid]}#{ordinal}") for row, (guid, ordinal) in after.items()
                   if row[1] > 0 and guid in guid_of}
        assert in_anki == history
        for key, ours in progress.items():
            card = key_card(collection, key)
            assert (card.reps, card.lapses) == (ours.reps, ours.lapses), key
            assert card.memory_state.stability == pytest.approx(ours.memory.stability, abs=1e-3), key
            if ours.memory.state == 2:
                assert anki_day(collection, card) == days.day_of(ours.memory.due_ms) - today, key
    finally:
        collection.close()


def test_import_advice_says_how_to_use_the_memory():
    assert "Import any learning progress: ON" in IMPORT_ADVICE
    assert "Import deck presets: ON" in IMPORT_ADVICE
    assert "FSRS" in IMPORT_ADVICE



def test_an_evening_review_exports_its_interval_in_whole_study_days(course, store, tmp_path):
    """A review card is due at the start of a study day: reviewed at 20:00, its interval in Anki's
    `cards.ivl` and revlog `ivl` is the number of study days to that day, not a day short."""
    import sqlite3
    import zipfile

    evening = datetime(2025, 6, 2, 20, 0, tzinfo=UTC)
    key = "testcourse/first-lesson/plain-card#0"
    for n, rating in enumerate([3, 3, 3]):
        store.record(answer(key, rating, evening + timedelta(days=2 * n, minutes=n)))
    memory = store.card(key).memory
    days = store.scheduling.days  # 4 am UTC, like the export's offset 0
    expected = days.day_of(memory.due_ms) - days.day_of(memory.last_review_ms)
    assert memory.state == 2 and expected >= 2
    package = tmp_path / "mine.apkg"
    export_with_progress(course, store, package, int(evening.timestamp()) + 10 * 86_400, 0)
    with zipfile.ZipFile(package) as archive:
        (tmp_path / "c.anki2").write_bytes(archive.read("collection.anki2"))
    with sqlite3.connect(tmp_path / "c.anki2") as db:
        assert db.execute("SELECT ivl FROM cards WHERE type = 2").fetchall() == [(expected,)]
        assert db.execute("SELECT ivl FROM revlog ORDER BY id DESC LIMIT 1").fetchone() == (expected,)


def test_the_collections_settings_schedule_later_notebook_reviews(project, new_collection, tmp_path, monkeypatch):
    """import-anki keeps the collection's day start, FSRS parameters and desired retention in the
    store; the notebooks' store then schedules with them."""
    from leaderdeck.progress import api

    from .test_anki_settings import PARAMETERS, personalised

    collection = personalised(new_collection(), project)
    collection.close()
    monkeypatch.delenv("LEADERDECK_ROLLOVER_HOUR", raising=False)
    store_path = tmp_path / "store.sqlite3"
    import_anki(tmp_path / "anki" / "collection.anki2", project / "lessons", store=store_path)
    try:
        scheduling = api.shared_store(store_path).scheduling
        assert scheduling.days.rollover_hour == 2 and scheduling.desired_retention == 0.85
        assert list(scheduling.parameters) == pytest.approx(PARAMETERS, rel=1e-6)
    finally:
        api._shared.pop(store_path.resolve()).close()
    with open_store(store_path) as store:  # export-anki's store: the same retention for the preset
        assert store.scheduling.desired_retention == 0.85


def test_a_removed_item_is_exported_retired_with_its_progress(project, course, store, tmp_path):
    """An item removed in a release stays in the deck (tagged retired); its progress goes with it."""
    import sqlite3
    import zipfile

    from leaderdeck.course import load_course
    from leaderdeck.decks import build_decks

    from .conftest import BUILT

    key = "testcourse/second-lesson/last-card#0"
    store.record(answer(key, 3, datetime(2025, 6, 2, 9, 0, tzinfo=UTC)))
    lessons = project / "lessons" / "02-second.yaml"
    lessons.write_text(lessons.read_text().replace("  - id: last-card", "  - id: gone-card"))
    build_decks(load_course(project / "lessons"), project, BUILT + 86_400)
    package = tmp_path / "mine.apkg"
    summary = export_with_progress(load_course(project / "lessons"), store, package, BUILT + 2 * 86_400, 0)
    assert summary.studied == 1
    with zipfile.ZipFile(package) as archive:
        (tmp_path / "c.anki2").write_bytes(archive.read("collection.anki2"))
    with sqlite3.connect(tmp_path / "c.anki2") as db:
        assert db.execute("SELECT n.tags, c.reps FROM cards c JOIN notes n ON n.id = c.nid WHERE c.reps > 0"
                          ).fetchall() == [(" leaderdeck::retired testcourse testcourse::second-lesson "
                                            "testcourse::second-lesson::pictures ", 1)]
