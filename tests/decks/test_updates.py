"""Releases update learners' notes in place: the update test from the design note."""

from __future__ import annotations

import anki.collection  # noqa: F401  (imported first: anki.scheduler has an import cycle)
from anki.scheduler.v3 import CardAnswer

from leaderdeck.decks.notetypes import NOTE_TYPES

from .conftest import T0, build_project, edit, import_package, package_of

DAY = 86_400


def review(collection, card, rating) -> None:
    card.start_timer()
    states = collection._backend.get_scheduling_states(card.id)
    collection.sched.answer_card(collection.sched.build_answer(card=card, states=states, rating=rating))


def card_for(collection, item_id: str, ord_: int = 0):
    [note_id] = collection.find_notes(f'"Uid:testcourse/*/{item_id}"')
    return next(c for c in collection.get_note(note_id).cards() if c.ord == ord_)


def scheduling(collection, item_id: str, ord_: int = 0) -> tuple:
    card = card_for(collection, item_id, ord_)
    return (card.id, card.type, card.queue, card.due, card.ivl, card.factor, card.reps, card.lapses,
            card.memory_state)


def revlog(collection) -> list[tuple]:
    return collection.db.all("SELECT id, cid, ease, ivl, lastIvl, type FROM revlog ORDER BY id")


def test_release_updates_in_place_and_keeps_review_history(project, anki_collection):
    lessons = project / "lessons"
    build_project(project, T0)
    import_package(anki_collection, package_of(project))
    reviewed = [("plain-card", 0), ("reverse-card", 1), ("two-gaps", 1), ("pick-one", 0)]
    for item_id, ord_ in reviewed:
        review(anki_collection, card_for(anki_collection, item_id, ord_), CardAnswer.GOOD)
    review(anki_collection, card_for(anki_collection, "steps"), CardAnswer.AGAIN)
    before = {key: scheduling(anki_collection, *key) for key in reviewed}
    history = revlog(anki_collection)
    note_types = sorted(m["name"] for m in anki_collection.models.all())

    edit(lessons / "01-first.yaml", "back: Something that opens.", "back: Something that opens and closes.")
    edit(lessons / "01-first.yaml", "text: Decide fast.", "text: Decide quickly.")
    edit(lessons / "01-first.yaml", "  - id: reverse-card", "  - id: moved-up\n    kind: flashcard\n"
         "    concept: doors\n    source: source-a.txt\n    front: New card\n    back: New answer\n"
         "    explanation: Added in release two.\n  - id: reverse-card")
    edit(lessons / "02-second.yaml", "  - id: last-card", "  - id: gone-card")  # remove + add
    report = build_project(project, T0 + DAY)
    result = import_package(anki_collection, package_of(project))

    assert any("first-lesson: 1 added (moved-up); 2 updated (plain-card, pick-one)" in line for line in report)
    assert any("second-lesson: 1 added (gone-card); 1 removed (last-card)" in line for line in report)
    # updated: the two edits, and the removed note, which gains the tag leaderdeck::retired
    assert (len(result.log.new), len(result.log.updated), len(result.log.conflicting)) == (2, 3, 0)
    guids = anki_collection.db.list("SELECT guid FROM notes")
    assert len(guids) == len(set(guids)) == 11  # 9 + 2 new; Anki never deletes the removed one
    assert sorted(m["name"] for m in anki_collection.models.all()) == note_types
    assert not [m for m in note_types if m.endswith("+")]
    assert card_for(anki_collection, "plain-card").note()["Back"] == "<p>Something that opens and closes.</p>"
    assert "Decide quickly." in card_for(anki_collection, "pick-one").note()["Options"]
    assert {key: scheduling(anki_collection, *key) for key in reviewed} == before
    assert revlog(anki_collection) == history


def test_note_type_style_change_updates_the_type_in_place(project, anki_collection, monkeypatch):
    from leaderdeck.decks import notetypes

    build_project(project, T0)
    import_package(anki_collection, package_of(project))
    monkeypatch.setattr(notetypes, "stylesheet", lambda: ".card { color: red; }")
    report = build_project(project, T0 + DAY)
    import_package(anki_collection, package_of(project))
    assert any(f"note types updated: {', '.join(NOTE_TYPES)}" in line for line in report)
    model = anki_collection.models.by_name("leaderdeck flashcard")
    assert model["css"] == ".card { color: red; }"
    assert not [m for m in anki_collection.models.all_names_and_ids() if m.name.endswith("+")]


def test_reimporting_the_same_release_changes_nothing(project, anki_collection):
    build_project(project, T0)
    import_package(anki_collection, package_of(project))
    build_project(project, T0 + DAY)
    result = import_package(anki_collection, package_of(project))
    assert (len(result.log.new), len(result.log.updated)) == (0, 0)
    assert len(result.log.duplicate) == 9


def test_a_retitled_lesson_keeps_all_its_cards_in_one_deck(project, anki_collection):
    """Retitle a lesson, add an item to it, import again: every card of the lesson is in one deck,
    whose description shows the new title (notes showing the lesson's title are updated in place)."""
    build_project(project, T0)
    import_package(anki_collection, package_of(project))
    edit(project / "lessons/02-second.yaml", "title: Second lesson", "title: The second lesson")
    edit(project / "lessons/02-second.yaml", "  - id: last-card", "  - id: new-card\n    kind: flashcard\n"
         "    concept: pictures\n    source: source-b.txt\n    front: New card\n    back: New answer\n"
         "    explanation: Added in release two.\n  - id: last-card")
    build_project(project, T0 + DAY)
    result = import_package(anki_collection, package_of(project))
    assert len(result.log.new) == 1
    decks = {anki_collection.decks.name(card.did) for card in
             (anki_collection.get_card(c) for c in anki_collection.find_cards('"Uid:testcourse/second-lesson/*"'))}
    assert decks == {"Test Course::02 Second lesson"}
    description = anki_collection.decks.by_name("Test Course::02 Second lesson")["desc"]
    assert description.startswith("<h3>The second lesson</h3>")


def rendering_defects(collection) -> list[str]:
    problems = []
    for card_id in collection.find_cards(""):
        card = collection.get_card(card_id)
        text = card.question() + card.answer()
        if "front of this card is blank" in text or "No cloze" in text or "{{" in text:
            problems.append(f"{card_id}: {text[:80]}")
    return problems


def test_a_removed_item_is_kept_tagged_retired_with_its_history(project, anki_collection, tmp_path):
    """Import v1, study the item, remove it, build v2, import v2: the learner's note gains the tag
    `leaderdeck::retired` (one search finds it), keeps its card, history and scheduling; no card is
    blank; a profile without it gets it in the Retired subdeck, whose preset gives no new cards.
    Rebuilding is stable."""
    import anki.collection as anki_module

    build_project(project, T0)
    import_package(anki_collection, package_of(project))
    review(anki_collection, card_for(anki_collection, "last-card"), CardAnswer.GOOD)
    before = scheduling(anki_collection, "last-card")
    history = revlog(anki_collection)

    edit(project / "lessons" / "02-second.yaml", "  - id: last-card", "  - id: gone-card")  # remove + add
    report = build_project(project, T0 + DAY)
    assert any("1 removed (last-card)" in line and "tag:leaderdeck::retired" in line for line in report)
    result = import_package(anki_collection, package_of(project))
    assert len(result.log.updated) == 1  # the retired note, for its tag

    [retired] = anki_collection.find_notes("tag:leaderdeck::retired")
    card = card_for(anki_collection, "last-card")
    assert card.nid == retired and scheduling(anki_collection, "last-card") == before
    assert revlog(anki_collection) == history
    assert anki_collection.decks.name(card.did) == "Test Course::02 Second lesson"  # Anki never moves cards
    assert rendering_defects(anki_collection) == []

    published = package_of(project).read_bytes()
    build_project(project, T0 + 2 * DAY)
    assert package_of(project).read_bytes() == published  # the retired note comes from the lock now

    fresh = anki_module.Collection(str(tmp_path / "fresh.anki2"))
    try:
        from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

        fresh.import_anki_package(ImportAnkiPackageRequest(  # as the README says: deck presets on
            package_path=str(package_of(project)), options=ImportAnkiPackageOptions(with_deck_configs=True)))
        card = card_for(fresh, "last-card")
        assert fresh.decks.name(card.did) == "Test Course::Retired"
        assert rendering_defects(fresh) == []
        fresh.decks.select(fresh.decks.id_for_name("Test Course::Retired"))
        assert card.type == 0 and fresh.sched.counts() == (0, 0, 0)  # a new card, never given to study
    finally:
        fresh.close()
