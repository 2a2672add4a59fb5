"""One item → the field values of its note type. All Markdown goes through `leaderdeck.markdown`.

The correct answer of a choice item lives only in `Feedback` (the back); `Options` (the front)
carries the option texts and nothing that tells them apart. Order steps are shuffled here, at
build time, with a permutation seeded from the note's Uid, so every build shows the same order.
"""

from __future__ import annotations

import hashlib
import html

from ..markdown import render, render_inline
from ..model import Choice, Cloze, Course, Flashcard, Lesson, Order, Reflection

Item = Flashcard | Cloze | Choice | Order | Reflection


def item_fields(course: Course, lesson: Lesson, item: Item, uid: str) -> dict[str, str]:
    """Field name → HTML for this item's note type (shared fields included)."""
    concept = lesson.concept(item.concept)
    shared = {
        "Uid": uid,
        "Explanation": render(item.explanation),
        "Source": f"{html.escape(course.source_title(item.source))} <span class=\"ld-file\">"
                  f"({html.escape(item.source)})</span>",
        "Lesson": html.escape(lesson.title),
        "Concept": html.escape(concept.title),
    }
    return {**shared, **_KIND_FIELDS[item.kind](item, uid)}


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
