"""The package's deck options preset reaches the learner's Anki: its own id (Anki's importer never
overwrites id 1), siblings buried, and the notebook's desired retention."""

from __future__ import annotations

import pytest

from leaderdeck.decks.package import PRESET_RETENTION
from leaderdeck.progress.scheduler import DEFAULT_RETENTION

from .conftest import T0, build_project, package_of


def test_the_preset_carries_the_notebooks_retention():
    assert PRESET_RETENTION == DEFAULT_RETENTION


def presets_after_import(project, collection, *, with_deck_configs: bool) -> dict[str, dict]:
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    build_project(project, T0)
    collection.import_anki_package(ImportAnkiPackageRequest(
        package_path=str(package_of(project)),
        options=ImportAnkiPackageOptions(with_scheduling=False, with_deck_configs=with_deck_configs)))
    names = [d.name for d in collection.decks.all_names_and_ids() if d.name.startswith("Test Course")]
    assert len(names) == 3  # the course and its two lessons
    return {name: collection.decks.config_dict_for_deck_id(collection.decks.id_for_name(name)) for name in names}


def test_with_import_deck_presets_on_our_decks_use_our_preset(project, anki_collection):
    for name, config in presets_after_import(project, anki_collection, with_deck_configs=True).items():
        assert config["id"] != 1 and config["name"] == "Test Course", name
        assert config["new"]["bury"] and config["rev"]["bury"] and config["buryInterdayLearning"], name
        assert config["desiredRetention"] == pytest.approx(DEFAULT_RETENTION), name


def test_with_import_deck_presets_off_anki_keeps_its_default_which_is_why_the_readme_says_on(
        project, anki_collection):
    presets = presets_after_import(project, anki_collection, with_deck_configs=False)
    assert {config["id"] for config in presets.values()} == {1}
