"""Grading rules for every item kind: pure functions of the item and what the learner gave.

No widgets, no clock, no global randomness: shuffling takes a `random.Random` the caller seeded
(the quiz seeds it from the card key, so an item always shows its options in the same order).
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from ..model import CLOZE_PATTERN, Choice, Cloze, Order

T = TypeVar("T")
_SPACES = re.compile(r"\s+")


_JOINERS = {"'", "’", "‘", "`", "´"}  # apostrophes join a word: "that's" is "thats", not "that s"


def normalize(text: str) -> str:
    """Forgiving form of a typed answer: case, punctuation and runs of whitespace do not count."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    kept = "".join("" if ch in _JOINERS else " " if unicodedata.category(ch).startswith("P") else ch
                   for ch in folded)
    return _SPACES.sub(" ", kept).strip()


_HYPHENS = re.compile(r"(?<=\w)[-‐‑](?=\w)")


def _forms(text: str) -> set[str]:
    """A hyphenated word may be typed with a space or as one word: "short lived", "shortlived"."""
    return {normalize(text), normalize(_HYPHENS.sub("", text))}


def answers_match(typed: str, expected: str) -> bool:
    return not _forms(typed).isdisjoint(_forms(expected))


# --- cloze -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Blank:
    """One `{{cN::answer::hint}}` in a cloze text, in reading order."""

    number: int
    answer: str
    hint: str | None


def blanks(item: Cloze) -> tuple[Blank, ...]:
    return tuple(Blank(int(m.group(1)), m.group(2), m.group(3)) for m in CLOZE_PATTERN.finditer(item.text))


def grade_cloze(item: Cloze, typed: Sequence[str]) -> dict[int, bool]:
    """Deletion number → right? A number with several blanks is right only when all of them are."""
    return grade_blanks(item, blanks(item), typed)


def grade_blanks(item: Cloze, asked: Sequence[Blank], typed: Sequence[str]) -> dict[int, bool]:
    """The same for some of the blanks (a review of one deletion asks only its own)."""
    if len(typed) != len(asked):
        raise ValueError(f"cloze '{item.id}' asks {len(asked)} blanks, got {len(typed)} answers")
    verdicts: dict[int, bool] = {}
    for blank, text in zip(asked, typed, strict=True):
        verdicts[blank.number] = verdicts.get(blank.number, True) and answers_match(text, blank.answer)
    return dict(sorted(verdicts.items()))


# --- choice ------------------------------------------------------------------------------------


def grade_choice(item: Choice, chosen: Sequence[str]) -> bool:
    """Right only when exactly the correct set is chosen (single choice: the one correct option)."""
    unknown = set(chosen) - {option.id for option in item.options}
    if unknown:
        raise ValueError(f"choice '{item.id}' has no option {sorted(unknown)}")
    return set(chosen) == set(item.correct)


def option_verdicts(item: Choice, chosen: Sequence[str]) -> dict[str, bool]:
    """For each chosen option, in the item's order: was choosing it right?"""
    return {option.id: option.id in item.correct for option in item.options if option.id in chosen}


def missed_options(item: Choice, chosen: Sequence[str]) -> list[str]:
    """Correct options the learner did not choose (what a multi-select answer left out)."""
    return [option_id for option_id in item.correct if option_id not in chosen]


# --- order -------------------------------------------------------------------------------------


def grade_order(item: Order, arranged: Sequence[int]) -> bool:
    """`arranged` lists authored step indices (0-based) in the learner's order."""
    if sorted(arranged) != list(range(len(item.steps))):
        raise ValueError(f"order '{item.id}' needs each of its {len(item.steps)} steps exactly once")
    return list(arranged) == list(range(len(item.steps)))


def step_verdicts(arranged: Sequence[int]) -> list[bool]:
    """Per position: is the step that sits there in its right place?"""
    return [index == position for position, index in enumerate(arranged)]


def starting_order(step_count: int, rng: random.Random) -> list[int]:
    """A shuffled order that is never already solved (when there is any other order)."""
    order = shuffled(range(step_count), rng)
    if order == sorted(order) and step_count > 1:
        order = order[1:] + order[:1]
    return order


def shuffled(values: Sequence[T] | range, rng: random.Random) -> list[T]:
    result = list(values)
    rng.shuffle(result)
    return result
