"""The learner's rollover hour, FSRS parameters and desired retention, read from every kind of
Anki file for the preset our deck uses."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from datetime import UTC, datetime

import pytest
from fsrs.scheduler import DEFAULT_PARAMETERS

from leaderdeck.cli import main
from leaderdeck.exchange.anki_settings import AnkiSettings, read_anki_settings
from leaderdeck.exchange.export import export_with_progress
from leaderdeck.progress.store import open_store

from .conftest import answer, import_package

PARAMETERS = [round(p * 1.1, 4) if i < 20 else p for i, p in enumerate(DEFAULT_PARAMETERS)]


def personalised(collection, project):
    """Our deck imported, the learner's own day start, FSRS parameters and retention set on its preset."""
    import_package(collection, project / "decks" / "testcourse.apkg", with_scheduling=False)
    collection.set_config("rollover", 2)
    deck = collection.decks.by_name("Test Course")
    config = collection.decks.config_dict_for_deck_id(deck["id"])
    config["fsrsParams6"], config["desiredRetention"] = PARAMETERS, 0.85
    collection.decks.update_config(config)
    return collection


@pytest.mark.parametrize("form", ["collection", "apkg-legacy"])
def test_settings_are_read_from_the_collection_and_exports(form, project, new_collection, tmp_path):
    from anki.collection import ExportAnkiPackageOptions

    collection = personalised(new_collection(), project)
    if form == "collection":
        collection.close()  # everything written to the file itself
        path = tmp_path / "anki" / "collection.anki2"
        expected_rollover = 2
    else:
        path = tmp_path / "deck.apkg"
        collection.export_anki_package(out_path=str(path), limit=None, options=ExportAnkiPackageOptions(
            with_scheduling=True, with_deck_configs=True, with_media=False, legacy=True))
        expected_rollover = 4  # a package holds the deck's preset, not the profile's day start
    settings = read_anki_settings(path, "Test Course")
    assert settings.rollover_hour == expected_rollover and settings.desired_retention == 0.85
    assert settings.parameters == pytest.approx(PARAMETERS, rel=1e-6)


def test_a_deck_the_file_does_not_have_gets_annkis_defaults(project, new_collection, tmp_path):
    collection = new_collection()
    collection.close()
    assert read_anki_settings(tmp_path / "anki" / "collection.anki2", "Test Course") == AnkiSettings()


def _collection(course, tmp_path):
    """A legacy-format collection of a few reviews of the course (our own export's)."""
    with open_store(tmp_path / "studied.sqlite3") as studied:
        studied.record(answer("testcourse/first-lesson/plain-card#0", 3, datetime(2025, 6, 2, tzinfo=UTC)))
        export_with_progress(course, studied, tmp_path / "mine.apkg", 1_800_000_000, 0)
    with zipfile.ZipFile(tmp_path / "mine.apkg") as archive:
        archive.extract("collection.anki2", tmp_path)
    return tmp_path / "collection.anki2"


ODD_PRESETS = {
    "parameters not numbers": {"fsrsParams6": ["x"] * 21},
    "parameters a number": {"fsrsParams6": 5},
    "parameters FSRS refuses": {"fsrsParams6": [1e308] * 21},
    "parameters not a number": {"fsrsParams6": [float("nan")] * 21},
    "retention text": {"desiredRetention": "0.9"},
    "retention a list": {"desiredRetention": [0.9]},
    "retention that overflows FSRS": {"desiredRetention": 1e-300},
}


@pytest.mark.parametrize("odd", list(ODD_PRESETS))
def test_odd_settings_in_a_file_fall_back_to_the_defaults_and_the_import_goes_on(odd, project, course, tmp_path,
                                                                                 capsys):
    collection = _collection(course, tmp_path)
    with sqlite3.connect(collection) as db:  # the file's own preset, as a legacy collection keeps it
        dconf = json.loads(db.execute("SELECT dconf FROM col").fetchone()[0])
        for preset in dconf.values():
            preset.update(ODD_PRESETS[odd])
        db.execute("UPDATE col SET dconf = ?", (json.dumps(dconf),))
    db.close()
    assert read_anki_settings(collection, course.info.deck) == AnkiSettings()
    store = tmp_path / "progress.sqlite3"
    assert main(["import-anki", str(collection), "--lessons", str(project / "lessons"), "--store", str(store)]) == 0
    assert "added 1 reviews" in capsys.readouterr().out
    with open_store(store) as progress:  # nothing odd was saved: answers are still recorded
        progress.record(answer("testcourse/first-lesson/plain-card#0", 3, datetime(2025, 6, 9, tzinfo=UTC)))
        assert progress.review_count() == 2


DAMAGED_SETTINGS = {
    "truncated protocol buffer": ("CREATE TABLE config (key TEXT, val BLOB)", "CREATE TABLE deck_config (id, config)",
                                  "CREATE TABLE decks (id, name TEXT, kind BLOB)",
                                  "INSERT INTO decks VALUES (1, 'Test Course', X'0a80')"),
    "JSON nested past Python's recursion limit": (f"UPDATE col SET conf = '{'[' * 100_000}'",),
    "decks a list, not an object": ("UPDATE col SET decks = '[1, 2]'",),
    "a deck that is a number": ("UPDATE col SET decks = '{\"1\": 5}'",),
}


@pytest.mark.parametrize("damage", list(DAMAGED_SETTINGS))
def test_damaged_settings_fall_back_to_the_defaults(damage, course, tmp_path):
    collection = _collection(course, tmp_path)
    with sqlite3.connect(collection) as db:
        for statement in DAMAGED_SETTINGS[damage]:
            db.execute(statement)
    db.close()
    assert read_anki_settings(collection, course.info.deck) == AnkiSettings()
