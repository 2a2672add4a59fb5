"""A kind that leaderdeck does not ship: a statement the learner judges true or false.

It is everything a new kind needs, in one module; `conftest.py` registers it when
LEADERDECK_FAKE_KIND=1, and the conformance tests then hold it to the same checks as the real
kinds, and build a deck and a skeleton with it. It borrows the reflection templates (a real kind
adds its own to decks/assets/templates/).
"""

from __future__ import annotations

from typing import Annotated

from leaderdeck.kinds.base import ItemBase, Kind, Markdown, NoteSpec, doc
from leaderdeck.load import KeyPath, Loaded


class Statement(ItemBase, tag="statement", frozen=True, kw_only=True):
    """A claim the learner judges true or false."""

    claim: Markdown
    true: Annotated[bool, doc("Whether the claim is true.")]


def rules(loaded: Loaded, item: Statement, at: KeyPath) -> None:
    if item.claim.rstrip().endswith("?"):
        loaded.problems.append(loaded.problem((*at, "claim"), "a statement is a claim, not a question"))


def fields(item: Statement, uid: str) -> dict[str, str]:
    from leaderdeck.markdown import render

    return {"Prompt": render(item.claim), "Model Answer": "True" if item.true else "False"}


def grade(item: Statement, said_true: bool) -> bool:
    return said_true == item.true


class StatementView:
    """Stands in for a widget view."""


EXAMPLE = """\
  # statement: a claim the learner judges true or false.
  - id: main-idea-claim
    kind: statement
    concept: main-idea
    source: {source}
    claim: The main idea applies to every decision.
    true: false
    explanation: Why the claim is true or false.
"""

KIND = Kind(
    model=Statement,
    rules=rules,
    markdown_fields=("claim", "explanation"),
    note=NoteSpec(90, ("Prompt", "Model Answer"), (("Statement", "reflection"),), "Prompt"),
    fields=fields,
    example=EXAMPLE,
    grading="fake_kind:grade",
    view="fake_kind:StatementView",
)
