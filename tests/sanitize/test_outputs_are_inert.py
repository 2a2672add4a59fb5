"""Habit 18: build the shipped course and a hostile one, then scan every output for active content.

The hostile course passes `check`, so nothing but the sanitizer stands between its text and a
learner's browser or Anki. Outputs scanned: every notebook cell (Markdown cells also as Voila's
renderer, nbconvert's mistune, turns them into HTML), every widget a quiz shows, every Anki note
field and deck description in the package.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from leaderdeck.build import BuildOptions, build
from leaderdeck.course import load_course
from leaderdeck.quizzes.session import Session, lesson_steps
from leaderdeck.quizzes.view import QuizView

from .scan import active_content

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
HOSTILE = HERE / "fixtures" / "lessons"
T0 = 1_750_000_000
COURSES = {"shipped": ROOT / "lessons", "hostile": HOSTILE}
CODE_CELL = re.compile(r'from leaderdeck import (quiz|dashboard|review)|(dashboard|review)\(\)'
                       r'|quiz\("[a-z0-9-]+", concept="[a-z0-9-]+"\)')


@pytest.fixture(scope="module", params=sorted(COURSES))
def built(request, tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp(request.param)
    shutil.copytree(COURSES[request.param], project / "lessons", ignore=shutil.ignore_patterns("schema"))
    build(load_course(project / "lessons"), BuildOptions(now=T0), project)
    return project


def _notebook_outputs(project: Path):
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    for path in sorted((project / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            source = "".join(cell["source"])
            where = f"{path.name} {cell['id']}"
            if cell["cell_type"] == "markdown":
                yield where, source
                yield f"{where} (as Voila renders it)", markdown2html_mistune(source)
            else:
                assert all(CODE_CELL.fullmatch(line) for line in source.splitlines()), (where, source)


def test_notebook_cells_hold_no_active_content(built: Path):
    found = {where: hits for where, text in _notebook_outputs(built) if (hits := active_content(text))}
    assert not found


def test_the_reported_repro_reaches_no_markdown_cell(built: Path):
    if built.name.startswith("hostile"):
        cells = "".join(text for _, text in _notebook_outputs(built)).lower()
        assert "<script" not in cells and "&lt;script&gt;alert('x')" in cells and "summary with" in cells


def _anki_texts(package: Path, folder: Path):
    with zipfile.ZipFile(package) as archive:
        name = next(n for n in archive.namelist() if n.startswith("collection.anki2"))
        archive.extract(name, folder)
    db = sqlite3.connect(folder / name)
    try:
        for note_id, fields in db.execute("select id, flds from notes"):
            for number, field in enumerate(fields.split("\x1f")):
                yield f"note {note_id} field {number}", field
        for (decks,) in db.execute("select decks from col"):
            for deck in json.loads(decks).values():
                yield f"deck {deck['name']!r} description", deck.get("desc", "")
    finally:
        db.close()


def test_anki_fields_and_deck_descriptions_hold_no_active_content(built: Path, tmp_path: Path):
    [package] = (built / "decks").glob("*.apkg")
    texts = list(_anki_texts(package, tmp_path))
    assert len(texts) > 5
    found = {where: hits for where, text in texts if (hits := active_content(text, anki=True))}
    assert not found


def _state_texts(value, where: str = ""):
    """Every string the quiz widget hands the browser: the whole `state` it draws."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _state_texts(item, f"{where}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _state_texts(item, f"{where}[{index}]")


class _Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 3, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=2)
        return self.now


def _press_everything(quiz) -> None:
    """Reveal, check or grade, so every feedback text is shown too."""
    state = quiz.widget.state["card"]
    if state["kind"] in ("flashcard", "reflection"):
        quiz.act("reveal")
        quiz.act("rate", rating=3)
    elif state["kind"] == "cloze":
        quiz.act("check", typed=["x"] * len(state["blanks"]))
        quiz.act("override")
    elif state["kind"] == "choice":
        quiz.act("check", chosen=[state["options"][0]["id"]])
    elif state["kind"] == "match":
        quiz.act("check", chosen=[0] * len(state["rows"]))
    elif state["kind"] == "explain":
        quiz.act("reveal", text="An explanation.")  # learner text is a textarea value, as a reflection's
        quiz.act("grade", ticked=[0])
    else:
        quiz.act("check")


def test_quiz_widgets_hold_no_active_content(built: Path):
    course = load_course(built / "lessons")
    texts = []
    for lesson in course.lessons:
        steps = lesson_steps(course, lesson.id)
        quiz = QuizView(Session(steps[:1]), lambda answer: None, title=lesson.title, clock=_Clock())
        texts += list(_state_texts(quiz.widget.state, "quiz "))
        for step in steps:
            view = QuizView(Session((step,)), lambda answer: None, clock=_Clock())
            texts += list(_state_texts(view.widget.state, f"{lesson.id}/{step.item.id} "))
            _press_everything(view)
            texts += list(_state_texts(view.widget.state, f"{lesson.id}/{step.item.id} "))
    found = {where: hits for where, text in texts if (hits := active_content(text))}
    assert not found
