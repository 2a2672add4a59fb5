"""The match and explain kinds, `level` and `see_also`: rules, grading, the quiz cards, the notes
(golden), the notebook's "Connects to" line, and the Anki cards imported by the `anki` package."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from leaderdeck.course import load_course
from leaderdeck.decks.fields import LessonFields
from leaderdeck.errors import LessonError
from leaderdeck.events import Rating
from leaderdeck.identity import CardKey, NoteKey, note_key_text
from leaderdeck.notebooks.compile import lesson_notebook
from leaderdeck.quizzes import grading
from leaderdeck.quizzes.session import Session, card_steps, lesson_steps
from leaderdeck.quizzes.view import QuizView

HERE = Path(__file__).parent
LESSONS = HERE / "fixtures" / "lessons"
GOLDEN = HERE / "golden" / "fields.json"
START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def course():
    return load_course(LESSONS)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=2)
        return self.now


def item(course, lesson_id: str, item_id: str):
    return next(i for i in course.lesson(lesson_id).items if i.id == item_id)


def problems_of(tmp_path: Path, old: str, new: str, file: str = "01-doors.yaml") -> str:
    folder = tmp_path / "lessons"
    shutil.copytree(LESSONS, folder)
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(LessonError) as caught:
        load_course(folder)
    return str(caught.value)


# --- rules -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("old", "new", "message"), [
    ("      - left: Testing a price on one page", "      - left: selling the company!",
     "01-doors.yaml:21:15: items[0].pairs[2].left: duplicate left (same as pairs[0])"),
    ("        right: One-way door\n", "        right: Two-way door\n",
     "items[0].pairs: every pair has the same right: there is nothing to choose"),
    ("        right: A decision you can undo", "        right: a decision you cannot undo.",
     "items[1].pairs[1].right: 'a decision you cannot undo.' differs from 'A decision you cannot undo' "
     "(pairs[0]) only in case or punctuation"),
    ("        right: One-way door\n", "        right: One-way {{c1::door}}\n",
     "items[0].pairs[0].right: holds '{{', '}}' or '::', which Anki reads as a cloze deletion"),
    ("      - left: Two-way door\n        right: A decision you can undo\n", "",
     "items[1].pairs: a match item needs 2 to 12 pairs, not 1"),
    ("    level: apply", "    level: analyse", "items[0].level: 'analyse' is not allowed here"),
])
def test_match_rules(tmp_path, old, new, message):
    assert message in problems_of(tmp_path, old, new)


@pytest.mark.parametrize(("old", "new", "message"), [
    ("      - Early turns show little result.\n", "",  # two points left: still fine, so drop another
     None),
    ("      - Early turns show little result.\n      - Momentum compounds once it turns.\n", "",
     "items[0].rubric: a rubric holds 2 to 4 points, not 1"),
    ("      - Momentum compounds once it turns.", "      - Each turn builds on the one before",
     "items[0].rubric[2]: duplicate rubric point"),
    ("    see_also: [doors/two-kinds]", "    see_also: [doors/two-kind]",
     "concepts[0].see_also[0]: unknown concept 'doors/two-kind' (lesson-id/concept-id) — did you mean "
     "'doors/two-kinds'?"),
    ("    see_also: [doors/two-kinds]", "    see_also: [flywheel/slow-start]",
     "concepts[0].see_also[0]: 'flywheel/slow-start' is in this lesson"),
])
def test_explain_and_see_also_rules(tmp_path, old, new, message):
    if message is None:
        folder = tmp_path / "lessons"
        shutil.copytree(LESSONS, folder)
        path = folder / "02-flywheel.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        load_course(folder)
        return
    assert message in problems_of(tmp_path, old, new, "02-flywheel.yaml")


# --- the pure model ----------------------------------------------------------------------------

def test_match_is_graded_pair_by_pair(course):
    cases = item(course, "doors", "door-cases")
    assert cases.rights() == ("One-way door", "Two-way door")
    assert cases.card_ordinals() == (0, 1, 2)
    verdicts = grading.grade_match(cases, (0, 1, 2), ["Two-way door", "Two-way door", None])
    assert verdicts == {0: False, 1: True, 2: False}
    with pytest.raises(ValueError, match="has no right"):
        grading.grade_match(cases, (0,), ["Three-way door"])


@pytest.mark.parametrize(("hit", "total", "rating"), [
    (0, 2, Rating.AGAIN), (1, 2, Rating.HARD), (2, 2, Rating.GOOD),
    (1, 3, Rating.AGAIN), (2, 3, Rating.HARD), (3, 3, Rating.GOOD),
    (1, 4, Rating.AGAIN), (2, 4, Rating.HARD), (3, 4, Rating.HARD), (4, 4, Rating.GOOD),
])
def test_explain_grade_is_the_share_of_points_hit(hit, total, rating):
    assert grading.explain_rating(hit, total) is rating


def test_a_match_is_one_step_in_a_lesson_and_one_row_in_a_review(course):
    steps = lesson_steps(course, "doors")
    assert [step.ordinals for step in steps] == [(0, 1, 2), (0, 1)]
    (review,) = card_steps(course, [CardKey(NoteKey("newkinds", "doors", "door-cases"), 2)])
    assert review.ordinals == (2,)


# --- the quiz cards ----------------------------------------------------------------------------

def view_for(course, lesson: str, item_id: str, answers: list, steps=None) -> QuizView:
    steps = steps or tuple(s for s in lesson_steps(course, lesson) if s.item.id == item_id)
    return QuizView(Session(steps), answers.append, clock=Clock(), rng=random.Random(3))


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_match_card_asks_every_row_then_says_which_pairs_were_right(course):
    answers: list = []
    view = view_for(course, "doors", "door-cases", answers)
    card = view.widget.state["card"]
    assert [text(row["left"]) for row in card["rows"]] == [
        "Selling the company", "Trying a new meeting format", "Testing a price on one page"]
    rights = [text(right) for right in card["rights"]]
    assert sorted(rights) == ["One-way door", "Two-way door"]
    one, two = rights.index("One-way door"), rights.index("Two-way door")
    view.act("check", chosen=[one, None, two])
    assert view.widget.state["card"]["notice"] == "Choose a match for every row first." and answers == []
    view.act("check", chosen=[one, one, two])
    assert [(a.card.ordinal, a.correct, a.rating, a.response) for a in answers] == [
        (0, True, Rating.GOOD, "One-way door"), (1, False, Rating.AGAIN, "One-way door"),
        (2, True, Rating.GOOD, "Two-way door")]
    assert len({a.answered_at for a in answers}) == 3  # one review per card, each its own millisecond
    card = view.widget.state["card"]
    assert [row["mark"] for row in card["rows"]] == ["right", "wrong", "right"]
    shown = text(card["feedback"]["html"])
    assert "✗ Not quite." in shown
    assert "✗ Trying a new meeting format: you chose One-way door ; it matches Two-way door" in shown
    view.act("next")
    view.act("retry")  # only the missed pair comes back
    assert [text(row["left"]) for row in view.widget.state["card"]["rows"]] == ["Trying a new meeting format"]


def test_match_review_of_one_card_asks_its_pair_only(course):
    answers: list = []
    steps = card_steps(course, [CardKey(NoteKey("newkinds", "doors", "door-terms"), 1)])
    view = view_for(course, "doors", "door-terms", answers, steps)
    card = view.widget.state["card"]
    assert [text(row["left"]) for row in card["rows"]] == ["Two-way door"]
    view.act("check", chosen=[[text(r) for r in card["rights"]].index("A decision you can undo")])
    assert [(str(a.card), a.correct) for a in answers] == [("newkinds/doors/door-terms#1", True)]


def test_explain_card_writes_then_ticks_the_rubric(course):
    answers: list = []
    view = view_for(course, "flywheel", "explain-slow-start", answers)
    assert view.widget.state["card"]["points"] == []  # the rubric shows only after writing
    view.act("grade", ticked=[0, 1, 2])
    assert answers == []  # not before the explanation is written
    view.act("reveal", text="Each turn adds to the last; early on little shows.")
    card = view.widget.state["card"]
    assert [text(p["html"]) for p in card["points"]][0] == "Each turn builds on the one before."
    view.act("grade", ticked=[0, 1])
    (answer,) = answers
    assert (answer.rating, answer.correct, answer.card.ordinal) == (Rating.HARD, True, 0)
    assert answer.response.endswith("[rubric: 1,2 of 3]") and answer.response.startswith("Each turn adds")
    assert text(view.widget.state["card"]["feedback"]["html"]).startswith("2 of 3 points: graded Hard.")


# --- notes, notebook, Anki ---------------------------------------------------------------------

def test_note_fields_match_the_golden_file(course):
    found = {}
    for lesson in course.lessons:
        fields = LessonFields(course, lesson)
        for it in lesson.items:
            uid = note_key_text(course.id, lesson.id, it.id)
            found[uid] = fields.of(it, uid)
    if os.environ.get("LEADERDECK_REGENERATE"):
        GOLDEN.write_text(json.dumps(found, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    assert found == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_the_concept_cell_says_what_it_connects_to(course):
    book = lesson_notebook(course, course.lesson("flywheel"))
    cell = next(c for c in book["cells"] if c["id"] == "concept-slow-start")
    assert "- Connects to lesson 01: [Door decisions](01-doors.ipynb) · Two kinds of decisions" in cell["source"]


def test_anki_makes_one_card_per_pair_each_asking_its_own(course, tmp_path):
    pytest.importorskip("anki")
    import anki.lang
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    from leaderdeck.decks import build_decks

    anki.lang.set_lang("en")
    build_decks(course, tmp_path, 1_750_000_000)
    collection = Collection(str(tmp_path / "collection.anki2"))
    try:
        request = ImportAnkiPackageRequest(package_path=str(tmp_path / "decks" / "newkinds.apkg"),
                                           options=ImportAnkiPackageOptions())
        collection.import_anki_package(request)
        cases = item(course, "doors", "door-cases")
        [note_id] = collection.find_notes('"Uid:newkinds/doors/door-cases"')
        cards = sorted(collection.get_note(note_id).cards(), key=lambda c: c.ord)
        assert [c.ord for c in cards] == list(cases.card_ordinals())
        for card, pair in zip(cards, cases.pairs, strict=True):
            rows = re.findall(r"<li>(.*?)</li>", card.question())
            asked = [row for row in rows if 'class="cloze"' in row]  # the one row the front shows
            assert len(asked) == 1 and text(asked[0]) == f"{pair.left.replace('**', '')} → [...]"
            assert all("cloze-inactive" in row for row in rows if row not in asked)  # hidden by the template
            revealed = next(r for r in re.findall(r"<li>(.*?)</li>", card.answer()) if 'class="cloze"' in r)
            assert text(revealed) == f"{pair.left.replace('**', '')} → {pair.right}"
        [explain_id] = collection.find_notes('"Uid:newkinds/flywheel/explain-slow-start"')
        (card,) = collection.get_note(explain_id).cards()
        assert "why a flywheel is slow to start" in card.question() and "Each turn builds" not in card.question()
        assert "Momentum compounds once it turns." in card.answer() and "Hard" in card.answer()
        collection.after_note_updates(collection.find_notes(""), mark_modified=False, generate_cards=True)
        assert collection.card_count() == 3 + 2 + 1 and not collection.get_empty_cards().notes
    finally:
        collection.close()
