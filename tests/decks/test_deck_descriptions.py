"""Deck descriptions (lesson summaries) in Anki, through its real importer."""

from __future__ import annotations

from .conftest import T0, build_project, edit, import_package, package_of


def _descriptions(collection) -> dict[str, str]:
    return {deck.name: collection.decks.get(deck.id)["desc"] for deck in collection.decks.all_names_and_ids()}


def test_first_import_shows_each_lesson_summary_as_sanitized_html(project, anki_collection):
    build_project(project, T0)
    import_package(anki_collection, package_of(project))
    descriptions = _descriptions(anki_collection)
    first = next(desc for name, desc in descriptions.items() if name.endswith("01 First lesson"))
    assert first == "<p>The first lesson, with a <strong>bold</strong> summary.</p>"


def test_a_new_summary_reaches_learners_on_reimport(project, anki_collection):
    build_project(project, T0)
    import_package(anki_collection, package_of(project))
    edit(project / "lessons" / "01-first.yaml", "with a **bold** summary", "with a *revised* summary")
    build_project(project, T0 + 86_400)
    import_package(anki_collection, package_of(project))
    first = next(desc for name, desc in _descriptions(anki_collection).items() if name.endswith("01 First lesson"))
    assert "<em>revised</em>" in first
