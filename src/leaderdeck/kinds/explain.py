"""The explain kind ("explain it back"): the learner explains an idea in their own words, then
ticks the points of a rubric their explanation made. The grade is the share of points hit:

| points hit | rating |
| --- | --- |
| all of them | Good |
| half or more, not all | Hard |
| fewer than half | Again |

Easy is never given: ticking a rubric says what an explanation held, not how easily it came.
In Anki the learner rates by the same table, which the back of the card repeats.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from ..rules import normalise, unique_in
from .base import ItemBase, Kind, Markdown, NoteSpec, Text, doc

if TYPE_CHECKING:
    from ..load import KeyPath, Loaded

MIN_POINTS, MAX_POINTS = 2, 4


class Explain(ItemBase, tag="explain", frozen=True, kw_only=True):
    """A prompt to explain an idea in one's own words, and the points a good explanation makes."""

    prompt: Annotated[Markdown, doc("What to explain, and to whom: 'Explain to a new manager why …'.")]
    rubric: Annotated[tuple[Text, ...], doc(f"{MIN_POINTS} to {MAX_POINTS} points a good explanation makes, "
                                            "each one the learner can tick or not at a glance.")]


def rules(loaded: Loaded, item: Explain, at: KeyPath) -> None:
    if not MIN_POINTS <= len(item.rubric) <= MAX_POINTS:
        message = f"a rubric holds {MIN_POINTS} to {MAX_POINTS} points, not {len(item.rubric)}"
        loaded.problems.append(loaded.problem((*at, "rubric"), message))
    unique_in(loaded, [normalise(point) for point in item.rubric], (*at, "rubric"), "", "rubric point")


def fields(item: Explain, uid: str) -> dict[str, str]:
    from ..markdown import render, render_inline

    points = "".join(f"<li>{render_inline(point)}</li>" for point in item.rubric)
    return {"Prompt": render(item.prompt), "Rubric": f'<ul class="ld-rubric">{points}</ul>'}


EXAMPLE = """\
  # explain: the learner explains the idea in their own words, then ticks the rubric points
  # (2 to 4) their explanation made; the grade is the share of points hit.
  - id: main-idea-explain
    kind: explain
    concept: main-idea
    source: {source}
    prompt: Explain to a new colleague why the main idea matters.
    rubric:
      - It names the main idea.
      - It gives one reason the idea matters.
      - It gives an example from work.
    explanation: What a strong explanation holds, and why.
"""

KIND = Kind(
    model=Explain,
    rules=rules,
    markdown_fields=("prompt", "explanation"),
    note=NoteSpec(7, ("Prompt", "Rubric"), (("Explain", "explain"),), "Prompt"),
    fields=fields,
    example=EXAMPLE,
    grading="leaderdeck.quizzes.session:answer_explain",
    view="leaderdeck.quizzes.cards:ExplainCard",
)
