"""An item that moves to another lesson keeps its identity through `moved_from`: the same Anki
GUID, the same progress keys, and `check` refuses two items with one key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from leaderdeck.course import load_course
from leaderdeck.errors import LessonError
from leaderdeck.exchange.merge import our_notes
from leaderdeck.progress.catalog import catalog_of

FIXTURE = Path(__file__).parent / "decks" / "fixtures" / "lessons"
PLAIN_CARD = """\
  - id: plain-card
    kind: flashcard
    concept: doors
    source: source-a.txt
    front: What is a **door**?
    back: Something that opens.
    explanation: Doors let people through.
"""


@pytest.fixture
def lessons(tmp_path: Path) -> Path:
    folder = tmp_path / "lessons"
    shutil.copytree(FIXTURE, folder)
    return folder


def _move_plain_card(lessons: Path, moved_from: str | None) -> None:
    first = lessons / "01-first.yaml"
    first.write_text(first.read_text().replace(PLAIN_CARD, ""))
    moved = PLAIN_CARD.replace("    concept: doors\n", "    concept: pictures\n").replace("source-a", "source-b")
    if moved_from:
        moved = moved.replace("    kind: flashcard\n", f"    kind: flashcard\n    moved_from: {moved_from}\n")
    second = lessons / "02-second.yaml"
    second.write_text(second.read_text().replace("items:\n", "items:\n" + moved, 1))


def _keys(lessons: Path) -> tuple[set[str], set[str]]:
    course = load_course(lessons)
    return set(our_notes(course)), {card.key for card in catalog_of(course).cards}


def test_a_moved_item_keeps_its_guid_and_progress_keys(lessons: Path):
    guids, cards = _keys(lessons)
    _move_plain_card(lessons, "first-lesson")
    assert _keys(lessons) == (guids, cards)


def test_without_moved_from_the_item_is_a_new_note(lessons: Path):
    guids, _ = _keys(lessons)
    _move_plain_card(lessons, None)
    assert _keys(lessons)[0] != guids


def test_an_id_taken_by_a_moved_item_is_refused(lessons: Path):
    _move_plain_card(lessons, "first-lesson")
    first = lessons / "01-first.yaml"
    first.write_text(first.read_text().replace("items:\n", "items:\n" + PLAIN_CARD, 1))
    with pytest.raises(LessonError, match="item id 'plain-card' is taken: an item moved from this lesson keeps it"):
        load_course(lessons)


def test_moved_from_its_own_lesson_is_refused(lessons: Path):
    _move_plain_card(lessons, "second-lesson")
    with pytest.raises(LessonError, match="moved_from names this lesson"):
        load_course(lessons)


def test_todays_review_finds_a_moved_item_by_its_key(lessons: Path):
    from leaderdeck.identity import CardKey
    from leaderdeck.quizzes.session import card_steps

    _move_plain_card(lessons, "first-lesson")
    course = load_course(lessons)
    key = next(card.key for card in catalog_of(course).cards if "/plain-card#" in card.key)
    assert key.startswith("testcourse/first-lesson/")  # keyed where it was first published
    (step,) = card_steps(course, [CardKey.parse(key)])
    assert step.item.id == "plain-card" and step.origin == "Second lesson"  # found where it is now
