"""The reflection kind: the learner applies an idea to their own work, then compares with a model answer.

Notebook-only by default (`anki: false`): there is nothing to recall, so it does not belong in a
spaced-repetition queue; `anki: true` on an item puts it in the deck as well.
"""

from __future__ import annotations

from typing import Annotated

from .base import ItemBase, Kind, Markdown, NoteSpec, doc, no_rules


class Reflection(ItemBase, tag="reflection", frozen=True, kw_only=True):
    """A prompt to apply an idea to one's own work, with a model answer to compare against."""

    prompt: Annotated[Markdown, doc("Ask the learner to apply the idea to their own work.")]
    model_answer: Annotated[Markdown, doc("A strong answer the learner compares theirs against.")]
    # Nothing to recall, and a model answer is one person's example: notebook-only unless asked.
    anki: Annotated[bool, doc("Put this reflection in the Anki deck too (default false: notebook-only).")] = False


def fields(item: Reflection, uid: str) -> dict[str, str]:
    from ..markdown import render

    return {"Prompt": render(item.prompt), "Model Answer": render(item.model_answer)}


EXAMPLE = """\
  # reflection: the learner applies the idea to their own work, then compares with a model answer.
  # Notebook-only unless `anki: true` (nothing to recall, so it does not suit a review queue).
  - id: main-idea-at-work
    kind: reflection
    concept: main-idea
    source: {source}
    prompt: Where could you apply the main idea in your own work this week?
    model_answer: |
      A concrete, first-person example of a strong answer.
    explanation: What makes the model answer strong.
"""

KIND = Kind(
    model=Reflection,
    rules=no_rules,
    markdown_fields=("prompt", "model_answer", "explanation"),
    note=NoteSpec(5, ("Prompt", "Model Answer"), (("Reflection", "reflection"),), "Prompt"),
    fields=fields,
    example=EXAMPLE,
    grading="leaderdeck.quizzes.session:answer_reflection",
    view="leaderdeck.quizzes.cards:ReflectionCard",
)
