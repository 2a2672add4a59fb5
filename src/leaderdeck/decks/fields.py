"""One item → the field values of its note type. All Markdown goes through `leaderdeck.markdown`.

The correct answer of a choice item lives only in `Feedback` (the back); `Options` (the front)
carries the option texts and nothing that tells them apart. Order steps are shuffled here, at
build time, with a permutation seeded from the note's Uid, so every build shows the same order.
"""

from __future__ import annotations

import hashlib

from ..markdown import render, render_inline, render_text
from ..model import Choice, Cloze, Course, Evidence, Flashcard, Lesson, Order, Reflection

Item = Flashcard | Cloze | Choice | Order | Reflection


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
        fields = _KIND_FIELDS[item.kind](item, uid)
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


def _flashcard(item: Flashcard, uid: str) -> dict[str, str]:
    return {"Front": render(item.front), "Back": render(item.back), "Reverse": "y" if item.reverse else ""}


def _cloze(item: Cloze, uid: str) -> dict[str, str]:
    return {"Text": render(item.text)}


def _choice(item: Choice, uid: str) -> dict[str, str]:
    correct = set(item.correct)
    options = "".join(f"<li>{render_inline(o.text)}</li>" for o in item.options)
    feedback = "".join(_option_feedback(o.text, o.feedback, o.id in correct) for o in item.options)
    return {"Question": render(item.question), "Scenario": render(item.scenario) if item.scenario else "",
            "Options": options, "Feedback": feedback, "Multi": "y" if item.multi else ""}


def _option_feedback(text: str, feedback: str, correct: bool) -> str:
    mark = '<span class="ld-mark">✓ Correct:</span>' if correct else '<span class="ld-mark">✗ Wrong:</span>'
    css = "ld-correct" if correct else "ld-wrong"
    return (f'<li class="{css}">{mark} {render_inline(text)}'
            f'<div class="ld-option-feedback">{render_inline(feedback)}</div></li>')


def _order(item: Order, uid: str) -> dict[str, str]:
    steps = [render_inline(step) for step in item.steps]
    shown = [steps[index] for index in shuffled_order(len(steps), uid)]
    return {"Prompt": render(item.prompt), "Steps": "".join(f"<li>{s}</li>" for s in shown),
            "Answer": "".join(f"<li>{s}</li>" for s in steps)}


def _reflection(item: Reflection, uid: str) -> dict[str, str]:
    return {"Prompt": render(item.prompt), "Model Answer": render(item.model_answer)}


_KIND_FIELDS = {"flashcard": _flashcard, "cloze": _cloze, "choice": _choice, "order": _order,
                "reflection": _reflection}


def shuffled_order(count: int, seed: str) -> list[int]:
    """A deterministic permutation of range(count) that differs from the identity when it can."""
    order = list(range(count))
    for index in range(count - 1, 0, -1):
        digest = hashlib.sha256(f"{seed}#{index}".encode()).digest()
        swap = int.from_bytes(digest[:8], "big") % (index + 1)
        order[index], order[swap] = order[swap], order[index]
    if count > 1 and order == sorted(order):
        order = order[1:] + order[:1]  # showing the steps already in order would give the answer away
    return order
