"""The cloze kind: text with numbered deletions in Anki's own syntax, one card per number."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated

from .base import ItemBase, Kind, Markdown, NoteSpec, doc

if TYPE_CHECKING:
    from ..load import KeyPath, Loaded

# [0-9], not \d: Python's \d also matches other scripts' digits ("c١"), which Anki reads differently.
CLOZE_PATTERN = re.compile(r"\{\{c([0-9]+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)
_CLOZE_NUMBER = re.compile(r"\{\{c([0-9]+)::.*?\}\}", re.DOTALL)  # the same matches as CLOZE_PATTERN, numbers only
# A cloze makes one card per number, and the deck lock gives each item 1,000 card ids (ID_STRIDE).
MAX_CLOZE_NUMBER = 1000


class Cloze(ItemBase, tag="cloze", frozen=True, kw_only=True):
    """Text with numbered deletions in Anki's own syntax."""

    text: Annotated[Markdown, doc("Deletions as {{c1::answer}} or {{c1::answer::hint}}, numbered from c1.")]

    def deletions(self) -> dict[int, list[tuple[str, str | None]]]:
        """Deletion number → its (answer, hint) pairs, in text order."""
        found: dict[int, list[tuple[str, str | None]]] = {}
        for match in CLOZE_PATTERN.finditer(self.text):
            found.setdefault(int(match.group(1)), []).append((match.group(2), match.group(3)))
        return dict(sorted(found.items()))

    def card_ordinals(self) -> tuple[int, ...]:
        # Only the numbers: cheaper than `deletions()`, which large builds would run for every cloze.
        return tuple(sorted({int(number) - 1 for number in _CLOZE_NUMBER.findall(self.text)}))


def rules(loaded: Loaded, item: Cloze, at: KeyPath) -> None:
    check_cloze_text(loaded, item.text, (*at, "text"))


_CLOZE_OPENING = re.compile(r"\{\{c([^:{}]*)::")


def check_cloze_text(loaded: Loaded, text: str, at: KeyPath) -> None:
    misnumbered = [written for written in _CLOZE_OPENING.findall(text) if not re.fullmatch("[0-9]+", written)]
    for written in misnumbered:
        message = f"deletion 'c{written[:12]}': number deletions with the digits 0-9, as c1, c2, c3"
        loaded.problems.append(loaded.problem(at, message))
    deletions = list(CLOZE_PATTERN.finditer(text))
    # (no int() of a long digit string: Python refuses past 4,300 digits, and the numbers index a set)
    too_large = [m.group(1) for m in deletions if len(m.group(1).lstrip("0")) > len(str(MAX_CLOZE_NUMBER))
                 or int(m.group(1)) > MAX_CLOZE_NUMBER]
    numbers = sorted({int(m.group(1)) for m in deletions if m.group(1) not in too_large})
    if text.count("{{") != text.count("}}"):
        loaded.problems.append(loaded.problem(at, "unbalanced braces: every '{{' needs a matching '}}'"))
    elif too_large:
        shown = too_large[0] if len(too_large[0]) <= 12 else too_large[0][:12] + "…"
        message = f"deletion c{shown}: a cloze holds at most {MAX_CLOZE_NUMBER} numbered deletions"
        loaded.problems.append(loaded.problem(at, message))
    elif not numbers:
        if not misnumbered:
            loaded.problems.append(loaded.problem(at, "no deletion: mark an answer as {{c1::answer}}"))
    elif numbers[0] == 0:
        loaded.problems.append(loaded.problem(at, "deletion c0: deletions are numbered from c1"))
    elif numbers != list(range(1, len(numbers) + 1)):
        missing = next(n for n in range(1, len(numbers) + 1) if n not in numbers)
        message = f"deletions must be numbered from c1 without gaps; missing c{missing}"
        loaded.problems.append(loaded.problem(at, message))
    for match in deletions:
        if "{{" in match.group(2) or not match.group(2).strip():
            loaded.problems.append(loaded.problem(at, f"deletion c{match.group(1)} is empty or nested"))


def fields(item: Cloze, uid: str) -> dict[str, str]:
    from ..markdown import render

    return {"Text": render(item.text)}


EXAMPLE = """\
  # cloze: numbered deletions in Anki's syntax, {{c1::answer}} or {{c1::answer::hint}}.
  - id: main-idea-cloze
    kind: cloze
    concept: main-idea
    source: {source}
    text: A leader who applies the main idea {{c1::acts first::what do they do?}} and {{c2::learns}}.
    explanation: Why each hidden word is the right one.
"""

KIND = Kind(
    model=Cloze,
    rules=rules,
    markdown_fields=("text", "explanation"),
    note=NoteSpec(2, ("Text",), (("Cloze", "cloze"),), "Text", cloze=True),
    fields=fields,
    example=EXAMPLE,
    grading="leaderdeck.quizzes.session:answer_cloze",
    view="leaderdeck.quizzes.cards:ClozeCard",
)
