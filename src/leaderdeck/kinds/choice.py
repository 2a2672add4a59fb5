"""The choice kind: single or multiple choice; with a `scenario`, a situational-judgement item.

The correct answer lives only in the note's `Feedback` field (the back); `Options` (the front)
carries the option texts and nothing that tells them apart.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated

import msgspec

from ..rules import normalise, unique_in, unknown
from .base import Frozen, ItemBase, Kind, Markdown, NoteSpec, Slug, doc
from .order import seeded_shuffle

if TYPE_CHECKING:
    from ..load import KeyPath, Loaded


class Option(Frozen, frozen=True):
    """One answer of a choice item, with the feedback a learner sees on choosing it."""

    id: Annotated[Slug, doc("Stable id of the option, used by `correct`.")]
    text: Markdown
    feedback: Annotated[Markdown, doc("Shown when this option is chosen: why it is right or wrong.")]


class Choice(ItemBase, tag="choice", frozen=True, kw_only=True):
    """A multiple-choice question; with `scenario` it is a situational-judgement item."""

    question: Markdown
    options: Annotated[tuple[Option, ...], msgspec.Meta(min_length=2)]
    correct: Annotated[tuple[Slug, ...], msgspec.Meta(min_length=1, description="Ids of the correct options.")]
    scenario: Annotated[Markdown | None, doc("A situation to judge, shown before the question.")] = None
    multi: Annotated[bool, doc("Select all that apply: right only when exactly the correct set is chosen.")] = False

    @property
    def is_scenario(self) -> bool:
        return self.scenario is not None


def rules(loaded: Loaded, item: Choice, at: KeyPath) -> None:
    option_ids = unique_in(loaded, [o.id for o in item.options], (*at, "options"), "id", "option id")
    unique_in(loaded, [normalise(o.text) for o in item.options], (*at, "options"), "text", "option text")
    for index, answer in enumerate(item.correct):
        if answer not in option_ids:
            loaded.problems.append(loaded.problem((*at, "correct", index), unknown("option", answer, option_ids)))
    if len(set(item.correct)) < len(item.correct):
        loaded.problems.append(loaded.problem((*at, "correct"), "an option is listed as correct twice"))
    if len(set(item.correct)) > 1 and not item.multi:
        loaded.problems.append(loaded.problem((*at, "correct"), "several correct options need 'multi: true'"))
    if set(item.correct) >= option_ids:
        loaded.problems.append(loaded.problem((*at, "correct"), "every option is correct: add a wrong one"))


def fields(item: Choice, uid: str) -> dict[str, str]:
    """Options are stored in an order shuffled at build time, seeded by the note's Uid: authors
    write the correct option first, and without scripts (or in Anki's browser) the stored order is
    what shows. The card's script shuffles them again at each review (see `decks/assets/shuffle.js`).
    `Feedback` holds the correct option(s) first and the others folded in `<details>`; each option
    carries its stored index (`data-i`) and number, so the back can name what the learner chose."""
    from ..markdown import render, render_inline

    correct = set(item.correct)
    stored = [item.options[index] for index in stored_order(len(item.options), uid)]
    options = "".join(f'<li data-i="{i}">{render_inline(o.text)}</li>' for i, o in enumerate(stored))
    right = [_option_feedback(i, o.text, o.feedback, True) for i, o in enumerate(stored) if o.id in correct]
    wrong = [_option_feedback(i, o.text, o.feedback, False) for i, o in enumerate(stored) if o.id not in correct]
    feedback = (f'<ul class="ld-feedback ld-first">{"".join(right)}</ul>'
                f'<details class="ld-others"><summary>The other options</summary>'
                f'<ul class="ld-feedback">{"".join(wrong)}</ul></details>')
    question = render(item.question)
    if item.multi and not _SAYS_MULTI.search(item.question):
        question += '<p class="ld-hint">Choose all that apply.</p>'
    return {"Question": question, "Scenario": render(item.scenario) if item.scenario else "",
            "Options": options, "Feedback": feedback, "Multi": "y" if item.multi else ""}


# A question that already says to pick several needs no hint repeating it.
_SAYS_MULTI = re.compile(r"\ball\b[^.?!]*\bappl|\bevery\b|\bchoose (?:two|three|four|several)\b", re.I)


def stored_order(count: int, seed: str) -> list[int]:
    """A deterministic permutation of range(count) from the Uid: the options' stored order."""
    return seeded_shuffle(count, f"{seed}#options")


def _option_feedback(index: int, text: str, feedback: str, correct: bool) -> str:
    from ..markdown import render_inline

    mark = '<span class="ld-mark">✓ Correct:</span>' if correct else '<span class="ld-mark">✗ Wrong:</span>'
    css = "ld-correct" if correct else "ld-wrong"
    return (f'<li class="{css}" data-i="{index}"><span class="ld-num">{index + 1}.</span> {mark} '
            f'{render_inline(text)}<div class="ld-option-feedback">{render_inline(feedback)}</div></li>')


EXAMPLE = """\
  # choice: `scenario` (optional) makes it a situational-judgement item. `correct` lists option
  # ids; with several correct options set `multi: true` (select all that apply).
  - id: main-idea-scenario
    kind: choice
    concept: main-idea
    source: {source}
    scenario: |
      A short situation a leader might face, with enough detail to judge it.
    question: What should the leader do?
    options:
      - id: best
        text: The response the idea recommends.
        feedback: Right. Say why this works.
      - id: tempting
        text: A plausible but weaker response.
        feedback: Say why this falls short, so the learner learns from choosing it.
    correct: [best]
    explanation: The principle behind the right answer.
"""

KIND = Kind(
    model=Choice,
    rules=rules,
    markdown_fields=("scenario", "question", "explanation"),
    note=NoteSpec(3, ("Question", "Scenario", "Options", "Feedback", "Multi"), (("Choice", "choice"),), "Question"),
    fields=fields,
    example=EXAMPLE,
    grading="leaderdeck.quizzes.session:answer_choice",
    view="leaderdeck.quizzes.cards:ChoiceCard",
)
