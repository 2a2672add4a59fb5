"""The learner's rollover hour, FSRS parameters and desired retention, read from every kind of
Anki file for the preset our deck uses."""

from __future__ import annotations

import pytest
from fsrs.scheduler import DEFAULT_PARAMETERS

from leaderdeck.exchange.anki_settings import AnkiSettings, read_anki_settings

from .conftest import import_package

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
