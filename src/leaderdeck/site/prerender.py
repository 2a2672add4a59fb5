"""Build time: the HTML of every text the quizzes, review and dashboard can show.

Every text in the course goes through each of `leaderdeck.markdown`'s renderers. Then every quiz
the site can show (each lesson, each concept, each card alone as today's review shows it) is
driven through its cards with a recording table: each card's `state()` before and after every
scripted answer, so the texts the views derive (a cloze with its asked blanks masked, option
feedback without its verdict word, a masked title, the missed list) are recorded as rendered.
Images are embedded as data URIs: the browser has no lessons folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec

from .. import markdown
from ..model import Cloze, Course
from ..quizzes.session import Step

# Texts the views show that are not in the course (titles of their own).
_VIEW_TEXTS = ("Today's review",)
Action = tuple[str, dict[str, Any]]


class _Recorder(dict[tuple[str, str], str]):
    """A table that renders (with the real renderers) what it is asked and keeps it."""

    def __init__(self, media_dir: Path):
        super().__init__()
        self.media_dir = media_dir

    def __missing__(self, key: tuple[str, str]) -> str:
        function, text = key
        html = markdown.RENDERERS[function](text)
        if function in ("render", "render_inline"):
            html = markdown.inline_images(html, self.media_dir)
        self[key] = html
        return html


def rendered_table(course: Course) -> dict[tuple[str, str], str]:
    """(function, text) → HTML for everything a quiz, review or dashboard of `course` renders."""
    recorder = _Recorder(course.lessons_dir)
    markdown.use_rendered(recorder)
    try:
        for text in _course_texts(course):
            for function in markdown.RENDERERS:
                recorder[function, text]
        _drive_every_quiz(course)
    finally:
        markdown.use_rendered(None)
    return dict(recorder)


def _course_texts(course: Course) -> Iterator[str]:
    yield from _VIEW_TEXTS
    yield from _strings(msgspec.to_builtins((course.info, course.lessons)))
    for lesson in course.lessons:
        for item in lesson.items:
            if isinstance(item, Cloze):
                for pairs in item.deletions().values():
                    yield from (text for pair in pairs for text in pair if text)


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for inner in value.values():
            yield from _strings(inner)
    elif isinstance(value, list | tuple):
        for inner in value:
            yield from _strings(inner)


def _drive_every_quiz(course: Course) -> None:
    """Each quiz the site shows, as its notebooks and today's review build it."""
    from ..quizzes import quiz
    from ..quizzes.session import card_steps

    steps: list[Step] = []
    for lesson in course.lessons:
        for concept in (None, *dict.fromkeys(item.concept for item in lesson.items)):
            view = quiz(lesson.id, concept, on_answer=_ignore, lessons_dir=course.lessons_dir)  # its title
            steps += view.all_steps
    cards = dict.fromkeys(card for step in steps for card in step.cards)
    for step in (*steps, *card_steps(course, list(cards))):
        _answer_every_way(step)


def _ignore(answer: object) -> None:
    return None


def _clock() -> datetime:
    return datetime(2000, 1, 1, tzinfo=UTC)


def _answer_every_way(step: Step) -> None:
    """`step`'s card answered by each of its scripts, its state read after every action."""
    from ..quizzes.cards import Context, card_for
    from ..quizzes.view import describe

    describe(step.item)  # the summary's list of missed questions
    for script in _scripts(card_for(step, Context(_clock, _ignore)).state()):
        card = card_for(step, Context(_clock, _ignore))
        for action, data in script:
            card.act(action, **data)
            card.state()


def _scripts(state: dict[str, Any]) -> list[list[Action]]:
    """Ways to answer a card in `state` that between them show every feedback it can give."""
    kind = state["kind"]
    if kind in ("flashcard", "reflection"):
        return [[("reveal", {}), ("rate", {"rating": choice["value"]})] for choice in state["rating"]["choices"]]
    if kind == "cloze":
        return [[("check", {"typed": [""] * len(state["blanks"])})]]
    if kind == "choice":
        options = [option["id"] for option in state["options"]]
        return [*([("check", {"chosen": [option]})] for option in options), [("check", {"chosen": options})]]
    if kind == "match":  # each shown right for every row: every row is graded right once and wrong once
        rows = len(state["rows"])
        return [[("check", {"chosen": [number] * rows})] for number in range(len(state["rights"]))]
    if kind == "explain":  # no point, half the points, every point: each grade's message
        points = len(state["points"]) if state.get("points") else 4
        return [[("reveal", {"text": ""}), ("grade", {"ticked": list(range(hit))})]
                for hit in sorted({0, points // 2, points})]
    return [[("check", {})]]
