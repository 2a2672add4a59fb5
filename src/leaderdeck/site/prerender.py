"""Build time: the HTML of every text the quizzes can show, for the compiled course.

Every text in the course goes through each of `leaderdeck.markdown`'s renderers, and every quiz
card is built once with a recording table, which catches texts the views derive (a cloze with its
asked blanks masked). Images are embedded as data URIs: the browser has no lessons folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import msgspec

from .. import markdown
from ..model import Cloze, Course

# Texts the views show that are not in the course (titles of their own).
_VIEW_TEXTS = ("Today's review",)


class _Recorder(dict):
    """A table that renders (with the real renderers) what it is asked and keeps it."""

    def __init__(self, media_dir: Path):
        super().__init__()
        self.media_dir = media_dir

    def __missing__(self, key: tuple[str, str]) -> str:
        function, text = key
        html = markdown.RENDERERS[function](text)
        self[key] = html = markdown.inline_images(html, self.media_dir) if function != "render_plain" else html
        return html


def rendered_table(course: Course) -> dict[tuple[str, str], str]:
    """(function, text) → HTML for everything a quiz, review or dashboard of `course` renders."""
    recorder = _Recorder(course.lessons_dir)
    markdown.use_rendered(recorder)
    try:
        for text in _course_texts(course):
            for function in markdown.RENDERERS:
                recorder[function, text]
        _build_every_card(course)
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


def _build_every_card(course: Course) -> None:
    from ..quizzes.cards import card_view
    from ..quizzes.session import lesson_steps

    def clock() -> datetime:
        return datetime(2000, 1, 1, tzinfo=UTC)

    for lesson in course.lessons:
        for step in lesson_steps(course, lesson.id):
            card_view(step, clock, lambda outcome: None)
