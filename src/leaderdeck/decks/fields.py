"""One item → the field values of its note type. All Markdown goes through `leaderdeck.markdown`.

Each kind builds its own fields (`fields` in its module in `leaderdeck.kinds`); the fields every
note type shares are added here.
"""

from __future__ import annotations

from ..kinds import KINDS, Item
from ..kinds.order import shuffled_order
from ..markdown import render, render_text
from ..model import Course, Evidence, Lesson

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
        fields["Source"] = self._source(item.source) + _evidence(item.evidence)
        fields["Lesson"] = self._lesson_title
        fields["Concept"] = self._concepts[item.concept]
        return fields

    def _source(self, file: str) -> str:
        # The source's title only: its file name means nothing to a learner.
        if file not in self._sources:
            self._sources[file] = render_text(self._course.source_title(file))
        return self._sources[file]


def _evidence(evidence: Evidence | None) -> str:
    """What backs the answer, under the source's title: the quote and its speaker, and any synthesis."""
    if evidence is None:
        return ""
    shown = ""
    if evidence.quote:
        speaker = f" — {render_text(evidence.speaker)}" if evidence.speaker else ""
        shown += f'<br><span class="ld-evidence">“{render_text(evidence.quote)}”{speaker}</span>'
    if evidence.synthesis:
        shown += f'<br><span class="ld-synthesis">The course\'s own synthesis: {render_text(evidence.synthesis)}</span>'
    return shown

