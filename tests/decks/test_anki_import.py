"""The built package, imported by the official `anki` package into a fresh collection."""

from __future__ import annotations

import re
from pathlib import Path

from leaderdeck.course import load_course
from leaderdeck.decks import build_decks

from .conftest import T0, build_project, import_package, package_of

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_ERRORS = ("The front of this card is blank", "No cloze", "{{", "}}", "Found '",
                   "unknown field", "Please edit this note type")


def assert_cards_render(collection) -> None:
    for card_id in collection.find_cards(""):
        card = collection.get_card(card_id)
        question, answer = card.question(), card.answer()
        visible = re.sub(r"<style>.*?</style>|<script>.*?</script>|<[^>]+>", "", question, flags=re.S)
        assert visible.strip(), f"blank front for {card.note().fields[0]} card {card.ord}"
        for text in (question, answer):
            found = [e for e in TEMPLATE_ERRORS if e in text]
            assert not found, f"{card.note().fields[0]} card {card.ord}: {found}"


def assert_card_counts_match_anki(collection) -> None:
    """Anki generating cards for our notes itself adds none, and finds none empty."""
    before = collection.card_count()
    note_ids = collection.find_notes("")
    collection.after_note_updates(note_ids, mark_modified=False, generate_cards=True)
    assert collection.card_count() == before
    assert not collection.get_empty_cards().notes


def test_every_card_renders_and_counts_match(project, anki_collection):
    build_project(project, T0)
    result = import_package(anki_collection, package_of(project))
    course = load_course(project / "lessons")
    expected_cards = sum(len(i.card_ordinals()) for lesson in course.lessons for i in lesson.items)
    assert len(result.log.new) == 9
    assert anki_collection.card_count() == expected_cards == 11
    assert_cards_render(anki_collection)
    assert_card_counts_match_anki(anki_collection)


def test_shipped_course_imports_and_renders(tmp_path, anki_collection):
    course = load_course(ROOT / "lessons")
    build_decks(course, tmp_path, T0)
    import_package(anki_collection, tmp_path / "decks" / f"{course.id}.apkg")
    assert anki_collection.note_count() == sum(i.anki for lesson in course.lessons for i in lesson.items)
    assert_cards_render(anki_collection)
    assert_card_counts_match_anki(anki_collection)


def _card(collection, item_id: str, ord_: int = 0):
    [note_id] = collection.find_notes(f'"Uid:testcourse/*/{item_id}"')
    return next(c for c in collection.get_note(note_id).cards() if c.ord == ord_)


def test_choice_front_never_holds_the_answer(project, anki_collection):
    build_project(project, T0)
    import_package(anki_collection, package_of(project))
    for item_id in ("pick-one", "pick-many"):
        card = _card(anki_collection, item_id)
        question = re.sub(r"<style>.*?</style>|<script>.*?</script>", "", card.question(), flags=re.S)
        answer = card.answer()
        assert "ld-correct" not in question and "Correct" not in question
        assert "Right, it is reversible" not in question and "A number." not in question
        assert "ld-correct" in answer and "ld-option-feedback" in answer
    assert "Your team can undo a change" in _card(anki_collection, "pick-one").question()
    assert "Choose all that apply." in _card(anki_collection, "pick-many").question()  # the question lacks it
    assert "Tap your answer" in _card(anki_collection, "pick-one").question()  # shown when scripts run


def test_order_front_is_shuffled_and_back_is_in_order(project, anki_collection):
    build_project(project, T0)
    import_package(anki_collection, package_of(project))
    card = _card(anki_collection, "steps")
    steps = ["Open the door", "Walk through", "Close the door"]
    front_order = sorted(steps, key=card.question().index)
    back_order = sorted(steps, key=card.answer().split('id="answer"')[1].index)
    assert front_order != steps and back_order == steps


def test_reverse_card_only_when_asked(project, anki_collection):
    build_project(project, T0)
    import_package(anki_collection, package_of(project))
    [plain] = anki_collection.find_notes('"Uid:testcourse/first-lesson/plain-card"')
    assert [c.ord for c in anki_collection.get_note(plain).cards()] == [0]
    reverse = _card(anki_collection, "reverse-card", 1)
    assert "A decision you cannot undo." in reverse.question()


def test_every_back_shows_explanation_and_source(project, anki_collection):
    build_project(project, T0)
    import_package(anki_collection, package_of(project))
    for card_id in anki_collection.find_cards(""):
        answer = anki_collection.get_card(card_id).answer()
        assert 'class="ld-explanation"' in answer and "Source: Source" in answer


def test_decks_tags_and_descriptions(project, anki_collection):
    build_project(project, T0)
    import_package(anki_collection, package_of(project))
    names = {d.name for d in anki_collection.decks.all_names_and_ids()}
    assert {"Test Course::01 First lesson", "Test Course::02 Second lesson"} <= names
    deck = anki_collection.decks.by_name("Test Course::01 First lesson")
    assert deck["desc"] == "<p>The first lesson, with a <strong>bold</strong> summary.</p>"
    card = _card(anki_collection, "pick-many")
    assert anki_collection.decks.name(card.did) == "Test Course::01 First lesson"
    assert set(card.note().tags) == {"testcourse", "testcourse::first-lesson", "testcourse::first-lesson::lists"}


def test_media_is_packed_under_a_content_hash(project, anki_collection):
    build_project(project, T0)
    import_package(anki_collection, package_of(project))
    front = _card(anki_collection, "picture-card").note()["Front"]
    [name] = re.findall(r'src="([^"]+)"', front)
    assert re.fullmatch(r"leaderdeck-[0-9a-f]{16}\.png", name)
    stored = Path(anki_collection.media.dir()) / name
    assert stored.read_bytes() == (project / "lessons" / "media" / "dot.png").read_bytes()


def test_schema_version_two_and_deflated(project):
    import json
    import sqlite3
    import zipfile

    build_project(project, T0)
    with zipfile.ZipFile(package_of(project)) as archive:
        assert {i.compress_type for i in archive.infolist()} == {zipfile.ZIP_DEFLATED}
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        database = project / "collection.anki2"
        database.write_bytes(archive.read("collection.anki2"))
    with sqlite3.connect(database) as db:
        [conf] = db.execute("SELECT conf FROM col").fetchone()
    assert json.loads(conf)["schedVer"] == 2
