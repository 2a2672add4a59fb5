"""The order kind: steps the learner puts in their correct order (shown shuffled)."""

from __future__ import annotations

import hashlib
import re
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
    every build shows the same order, and far from the answer (see `shuffled_order`). The hint
    "Put these steps in order." joins the prompt only when the prompt does not say so already."""
    from ..markdown import render, render_inline

    steps = [render_inline(step) for step in item.steps]
    shown = [steps[index] for index in shuffled_order(len(steps), uid)]
    prompt = render(item.prompt)
    if not _SAYS_ORDER.search(item.prompt):
        prompt += '<p class="ld-hint">Put these steps in order.</p>'
    return {"Prompt": prompt, "Steps": "".join(f"<li>{s}</li>" for s in shown),
            "Answer": "".join(f"<li>{s}</li>" for s in steps)}


_SAYS_ORDER = re.compile(r"\border\b|\bsequence\b|\bfirst\b.*\blast\b|\barrange\b", re.I | re.S)


def inversions(order: list[int]) -> int:
    """Kendall tau distance from the correct order: how many pairs of steps are shown swapped."""
    return sum(a > b for i, a in enumerate(order) for b in order[i + 1:])


def shuffled_order(count: int, seed: str) -> list[int]:
    """A deterministic permutation of range(count) far from the correct order: at least half the
    pairs swapped (Kendall distance ≥ half its maximum, so never one swap from the answer when
    there are three steps or more) and the first step not first. The first candidate from a
    seeded sequence of shuffles that meets both is taken; about two in five do."""
    if count < 2:
        return list(range(count))
    wanted = -(-count * (count - 1) // 4)  # ceil(max / 2), max = count * (count - 1) / 2
    for attempt in range(1000):
        order = seeded_shuffle(count, f"{seed}" if attempt == 0 else f"{seed}~{attempt}")
        if order[0] != 0 and inversions(order) >= wanted:
            return order
    return list(range(count))[::-1]  # unreachable in practice; the reverse order always qualifies


def seeded_shuffle(count: int, seed: str) -> list[int]:
    """A permutation of range(count) drawn from `seed` alone (Fisher–Yates on SHA-256): the same
    on every build and every machine, so a published card keeps its order."""
    order = list(range(count))
    for index in range(count - 1, 0, -1):
        digest = hashlib.sha256(f"{seed}#{index}".encode()).digest()
        swap = int.from_bytes(digest[:8], "big") % (index + 1)
        order[index], order[swap] = order[swap], order[index]
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
