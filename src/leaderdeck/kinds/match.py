"""The match kind: pairs the learner matches up, terms → definitions or cases → categories.

One format covers both: a list of `pairs`, each a `left` (a term, a case) and its `right` (a
definition, a category). Several lefts may share a right (cases sorted into bins); every right
the learner can choose is the right of some pair, so there is no unmatched right to go stale.

In the notebook each left gets a list of every right to choose from, graded pair by pair. In
Anki it is a cloze note with one deletion per pair, `left → {{cN::right}}`: one card per pair,
each asking one fact, and card N-1 (the ordinal) is pair N for good. The card's front shows only
its own pair where Anki marks the other deletions (`cloze-inactive`, Anki 2.1.56 and later);
older versions show the other pairs filled in, as context.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from ..rules import normalise, unique_in
from .base import Frozen, ItemBase, Kind, Markdown, NoteSpec, Text, doc

if TYPE_CHECKING:
    from ..load import KeyPath, Loaded

MIN_PAIRS, MAX_PAIRS = 2, 12
_CLOZE_SYNTAX = ("{{", "}}", "::")  # would break the Anki note's own deletions


class Pair(Frozen, frozen=True):
    """A left and the right it matches."""

    left: Annotated[Text, doc("What the learner matches: a term, a case, a name.")]
    right: Annotated[Text, doc("What it matches: a definition, a category. Lefts may share a right.")]


class Match(ItemBase, tag="match", frozen=True, kw_only=True):
    """Pairs the learner matches up: terms → definitions, or cases → categories."""

    prompt: Annotated[Markdown, doc("What to match, naming the categories when there are few.")]
    pairs: Annotated[tuple[Pair, ...], doc(
        f"{MIN_PAIRS} to {MAX_PAIRS} pairs. Each is one Anki card, numbered by its place: "
        "add new pairs at the end, never reorder or remove one (its card's history goes with it).")]

    def rights(self) -> tuple[str, ...]:
        """The distinct rights, in the order they are first written: what the learner chooses from."""
        return tuple(dict.fromkeys(pair.right for pair in self.pairs))

    def card_ordinals(self) -> tuple[int, ...]:
        return tuple(range(len(self.pairs)))


def rules(loaded: Loaded, item: Match, at: KeyPath) -> None:
    pairs = (*at, "pairs")
    if not MIN_PAIRS <= len(item.pairs) <= MAX_PAIRS:
        message = f"a match item needs {MIN_PAIRS} to {MAX_PAIRS} pairs, not {len(item.pairs)}"
        loaded.problems.append(loaded.problem(pairs, message))
    unique_in(loaded, [normalise(pair.left) for pair in item.pairs], pairs, "left", "left")
    if len(item.pairs) >= MIN_PAIRS and len(item.rights()) < 2:
        message = "every pair has the same right: there is nothing to choose; use two rights or more"
        loaded.problems.append(loaded.problem(pairs, message))
    written: dict[str, tuple[int, str]] = {}
    for index, pair in enumerate(item.pairs):
        for side in ("left", "right"):
            if any(mark in getattr(pair, side) for mark in _CLOZE_SYNTAX):
                message = "holds '{{', '}}' or '::', which Anki reads as a cloze deletion: reword it"
                loaded.problems.append(loaded.problem((*pairs, index, side), message))
        first = written.setdefault(normalise(pair.right), (index, pair.right))
        if first[1] != pair.right:
            message = (f"'{pair.right}' differs from '{first[1]}' (pairs[{first[0]}]) only in case or "
                       "punctuation: write a shared right the same way each time")
            loaded.problems.append(loaded.problem((*pairs, index, "right"), message))


def fields(item: Match, uid: str) -> dict[str, str]:
    """One list row per pair, its right as deletion N (N from 1: card ordinal N-1)."""
    from ..markdown import render, render_inline

    rows = "".join(f'<li><span class="ld-left">{render_inline(pair.left)}</span> → '
                   f"{{{{c{number}::{render_inline(pair.right)}}}}}</li>"
                   for number, pair in enumerate(item.pairs, start=1))
    return {"Prompt": render(item.prompt), "Pairs": f'<ul class="ld-pairs">{rows}</ul>'}


EXAMPLE = """\
  # match: pairs to match up (terms → definitions, or cases → categories; lefts may share a
  # right). One Anki card per pair: add new pairs at the end, never reorder them.
  - id: main-idea-match
    kind: match
    concept: main-idea
    source: {source}
    prompt: Is each decision easy or hard to undo?
    pairs:
      - left: Trying a new meeting format
        right: Easy to undo
      - left: Closing a factory
        right: Hard to undo
      - left: Testing a new price on one page
        right: Easy to undo
    explanation: What tells the categories apart.
"""

KIND = Kind(
    model=Match,
    rules=rules,
    markdown_fields=("prompt", "explanation"),
    note=NoteSpec(6, ("Prompt", "Pairs"), (("Match", "match"),), "Prompt", cloze=True),
    fields=fields,
    example=EXAMPLE,
    grading="leaderdeck.quizzes.session:answer_match",
    view="leaderdeck.quizzes.cards:MatchCard",
)
