"""The order kind: steps the learner puts in their correct order (shown shuffled)."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Annotated

from ..rules import normalise, unique_in
from .base import ItemBase, Kind, Markdown, NoteSpec, Text, doc

if TYPE_CHECKING:
    from ..load import KeyPath, Loaded


class Order(ItemBase, tag="order", frozen=True, kw_only=True):
    """Steps the learner puts in their correct order."""

    prompt: Markdown
    steps: Annotated[tuple[Text, ...], doc("The steps in their correct order.")]


def rules(loaded: Loaded, item: Order, at: KeyPath) -> None:
    if len(item.steps) < 2:
        loaded.problems.append(loaded.problem((*at, "steps"), "an order item needs at least two steps"))
    unique_in(loaded, [normalise(step) for step in item.steps], (*at, "steps"), "", "step")


def fields(item: Order, uid: str) -> dict[str, str]:
    """Steps are shuffled here, at build time, with a permutation seeded from the note's Uid, so
    every build shows the same order."""
    from ..markdown import render, render_inline

    steps = [render_inline(step) for step in item.steps]
    shown = [steps[index] for index in shuffled_order(len(steps), uid)]
    return {"Prompt": render(item.prompt), "Steps": "".join(f"<li>{s}</li>" for s in shown),
            "Answer": "".join(f"<li>{s}</li>" for s in steps)}


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


EXAMPLE = """\
  # order: steps listed in their correct order; learners see them shuffled.
  - id: main-idea-steps
    kind: order
    concept: main-idea
    source: {source}
    prompt: Put these steps in order.
    steps:
      - The first step.
      - The second step.
      - The third step.
    explanation: Why the order matters.
"""

KIND = Kind(
    model=Order,
    rules=rules,
    markdown_fields=("prompt", "explanation"),
    note=NoteSpec(4, ("Prompt", "Steps", "Answer"), (("Order", "order"),), "Prompt"),
    fields=fields,
    example=EXAMPLE,
    grading="leaderdeck.quizzes.session:answer_order",
    view="leaderdeck.quizzes.cards:OrderCard",
)
