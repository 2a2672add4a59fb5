"""The flashcard kind: a question and its answer, optionally asked back → front as a second card."""

from __future__ import annotations

from typing import Annotated

from .base import ItemBase, Kind, Markdown, NoteSpec, doc, no_rules


class Flashcard(ItemBase, tag="flashcard", frozen=True, kw_only=True):
    """A question and answer; `reverse: true` also asks back → front as a second card."""

    front: Markdown
    back: Markdown
    reverse: Annotated[bool, doc("Also ask back → front as a second card.")] = False

    def card_ordinals(self) -> tuple[int, ...]:
        return (0, 1) if self.reverse else (0,)


def fields(item: Flashcard, uid: str) -> dict[str, str]:
    from ..markdown import render

    return {"Front": render(item.front), "Back": render(item.back), "Reverse": "y" if item.reverse else ""}


EXAMPLE = """\
  # flashcard: a question and its answer; `reverse: true` also asks the answer → the question.
  - id: define-main-idea
    kind: flashcard
    concept: main-idea
    source: {source}
    front: What is the main idea, in one sentence?
    back: The idea, stated in one sentence.
    reverse: false
    explanation: Why this answer is right, and what it connects to.
"""

KIND = Kind(
    model=Flashcard,
    rules=no_rules,
    markdown_fields=("front", "back", "explanation"),
    note=NoteSpec(1, ("Front", "Back", "Reverse"),
                  (("Front → Back", "flashcard"), ("Back → Front", "flashcard-reverse")), "Front"),
    fields=fields,
    example=EXAMPLE,
    grading="leaderdeck.quizzes.session:answer_flashcard",
    view="leaderdeck.quizzes.cards:FlashcardCard",
)
