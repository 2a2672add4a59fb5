"""One item → the field values of its note type. All Markdown goes through `leaderdeck.markdown`.

Each kind builds its own fields (`fields` in its module in `leaderdeck.kinds`); the fields every
note type shares are added here.
"""

from __future__ import annotations

from ..kinds import KINDS, Item
from ..kinds.order import shuffled_order
from ..markdown import render, render_text
from ..model import Course, Lesson

__all__ = ["Item", "LessonFields", "shuffled_order"]


class LessonFields:
    """Field values for one lesson's items. What its items share (lesson and concept titles,
    source lines) is sanitized once per lesson, not once per item: large courses have many items."""

    def __init__(self, course: Course, lesson: Lesson):
        self._course = course
        self._lesson_title = render_text(lesson.title)
        self._concepts = {concept.id: render_text(concept.title) for concept in lesson.concepts}
        self._sources: dict[str, str] = {}

    def of(self, item: Item, uid: str) -> dict[str, str]:
        """Field name → HTML for this item's note type (shared fields included)."""
        fields = KINDS[item.kind].fields(item, uid)
        fields["Uid"] = uid
        fields["Explanation"] = render(item.explanation)
        fields["Source"] = self._source(item.source)
        fields["Lesson"] = self._lesson_title
        fields["Concept"] = self._concepts[item.concept]
        return fields

    def _source(self, file: str) -> str:
        if file not in self._sources:
            self._sources[file] = (f"{render_text(self._course.source_title(file))} <span class=\"ld-file\">"
                                   f"({render_text(file)})</span>")
        return self._sources[file]
