"""Grading rules for every item kind: pure functions of the item and what the learner gave.

No widgets, no clock, no global randomness: shuffling takes a `random.Random` from the caller
(the quiz passes a fresh one, so options come in a new order each time; tests pass a seeded one).
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

from ..events import Rating
from ..kinds.match import Match as MatchItem
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
    """Right or close enough (see `match_answer`)."""
    return match_answer(typed, expected) is not Match.WRONG


class Match(Enum):
    RIGHT = "right"  # the answer, give or take case, punctuation and spacing
    CLOSE = "close"  # another form of the same word, or a small typo: counted as right
    WRONG = "wrong"


def plain_text(markdown_text: str) -> str:
    """What the learner sees of an inline Markdown answer: `[learns](https://…)` is "learns"."""
    from ..markdown import render_plain

    return render_plain(markdown_text)


def match_answer(typed: str, expected: str) -> Match:
    """Grade one typed blank against the author's answer, graded as the learner saw it rendered.

    Conservative on purpose: spacing ("75°C" for "75 °C") is the same answer; a near miss must
    keep the same number of words, and each word must either share its stem with the expected word
    ("experiments" for "experimentation") or be a small typo of it. Words with digits must match
    exactly: "76" is never close to "75".
    """
    shown = plain_text(expected)
    if not _forms(typed).isdisjoint(_forms(shown)) or _squeezed(typed) == _squeezed(shown):
        return Match.RIGHT
    words, wanted = normalize(typed).split(), normalize(shown).split()
    if words and len(words) == len(wanted) and all(map(_close_word, words, wanted)):
        return Match.CLOSE
    return Match.WRONG


def _squeezed(text: str) -> str:
    return "".join(normalize(_HYPHENS.sub("", text)).split())


def _close_word(typed: str, wanted: str) -> bool:
    if typed == wanted:
        return True
    if any(ch.isdigit() for ch in typed + wanted):
        return False
    if stem(typed) == stem(wanted) and len(stem(wanted)) >= 4:
        return True
    # A typo keeps the first letter: "irreversible" is not a typo of "reversible".
    return typed[:1] == wanted[:1] and edit_distance(typed, wanted) <= typo_allowance(wanted)


def typo_allowance(word: str) -> int:
    """Edits forgiven in a word: none up to 4 letters, one up to 8, then two."""
    return 0 if len(word) <= 4 else 1 if len(word) <= 8 else 2


# Longest first; a stem keeps at least 4 letters, so "sing" or "bring" are never cut.
_SUFFIXES = ("ational", "ations", "ation", "ments", "ment", "ingly", "ings", "ing", "edly", "ness",
             "ities", "ity", "ives", "ive", "ies", "ied", "ily", "ers", "er", "est", "ly", "ed", "es",
             "e", "s", "y")


def stem(word: str) -> str:
    """A small suffix-stripping stemmer: "experiments", "experimentation" → "experiment"."""
    for _ in range(2):  # "experimentations" → "experimentation" → "experiment"
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                word = word[: -len(suffix)]
                break
        else:
            break
    return word


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insert, delete, substitute), with adjacent swaps counted as one."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        row = [i]
        for j, cb in enumerate(b, start=1):
            cost = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous2[j - 2] + 1)
            row.append(cost)
        previous2, previous = previous, row
    return previous[-1]


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
    verdicts: dict[int, bool] = {}
    for blank, match in zip(asked, blank_matches(item, asked, typed), strict=True):
        verdicts[blank.number] = verdicts.get(blank.number, True) and match is not Match.WRONG
    return dict(sorted(verdicts.items()))


def blank_matches(item: Cloze, asked: Sequence[Blank], typed: Sequence[str]) -> list[Match]:
    """One `Match` per asked blank, in reading order."""
    if len(typed) != len(asked):
        raise ValueError(f"cloze '{item.id}' asks {len(asked)} blanks, got {len(typed)} answers")
    return [match_answer(text, blank.answer) for blank, text in zip(asked, typed, strict=True)]


def masked_title(title: str, answers: Sequence[str]) -> str:
    """A title with every word that would give a blank away replaced by "…"."""
    hidden = {stem(word) for answer in answers for word in normalize(plain_text(answer)).split() if len(word) > 2}

    def hide(match: re.Match[str]) -> str:
        return "…" if stem(normalize(match.group(0))) in hidden else match.group(0)

    return re.sub(r"\w+", hide, title) if hidden else title


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


# --- match -------------------------------------------------------------------------------------


def grade_match(item: MatchItem, asked: Sequence[int], chosen: Sequence[str | None]) -> dict[int, bool]:
    """Pair index → right? `chosen` holds, for each asked pair in order, the right the learner
    matched it with (None: left unmatched, which is wrong). Lefts sharing a right are each right
    with it."""
    if len(chosen) != len(asked):
        raise ValueError(f"match '{item.id}' asks {len(asked)} pairs, got {len(chosen)} answers")
    unknown = {right for right in chosen if right is not None} - set(item.rights())
    if unknown:
        raise ValueError(f"match '{item.id}' has no right {sorted(unknown)}")
    return {index: right == item.pairs[index].right for index, right in zip(asked, chosen, strict=True)}


# --- explain -----------------------------------------------------------------------------------


def explain_rating(hit: int, total: int) -> Rating:
    """The share of rubric points hit, as a rating: all Good, half or more Hard, fewer Again.
    Never Easy: a ticked rubric says what an explanation held, not how easily it came."""
    if total <= 0 or not 0 <= hit <= total:
        raise ValueError(f"{hit} of {total} rubric points")
    if hit == total:
        return Rating.GOOD
    return Rating.HARD if 2 * hit >= total else Rating.AGAIN


# --- order -------------------------------------------------------------------------------------


def grade_order(item: Order, arranged: Sequence[int]) -> bool:
    """`arranged` lists authored step indices (0-based) in the learner's order."""
    if sorted(arranged) != list(range(len(item.steps))):
        raise ValueError(f"order '{item.id}' needs each of its {len(item.steps)} steps exactly once")
    return list(arranged) == list(range(len(item.steps)))


def step_verdicts(arranged: Sequence[int]) -> list[bool]:
    """Per position: is the step that sits there in its right place?"""
    return [index == position for position, index in enumerate(arranged)]


def starting_order(step_count: int, rng: random.Random, avoid: Sequence[int] = ()) -> list[int]:
    """A shuffled order that is never already solved and, when another order is possible, differs
    from `avoid` (the order the learner started from last time)."""
    solved = list(range(step_count))
    for _ in range(20):
        order = shuffled(solved, rng)
        if order != solved and (order != list(avoid) or step_count < 3):
            return order
    order = solved[1:] + solved[:1]  # a rotation is never solved; with 3+ steps, two rotations differ
    return order if order != list(avoid) else solved[-1:] + solved[:-1]


def shuffled(values: Sequence[T], rng: random.Random) -> list[T]:
    """A new list of `values` in a random order (`range` is a Sequence[int] too)."""
    result = list(values)
    rng.shuffle(result)
    return result
