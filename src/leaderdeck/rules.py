"""What validation rules share: reporting duplicates and unknown references, with a near miss.

Used by `validate.py` (lessons, course file) and by each kind's own rules in `leaderdeck.kinds`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .load import KeyPath, Loaded

_WORDS = re.compile(r"[^\w]+")


def did_you_mean(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" — did you mean '{close[0]}'?" if close else ""


def unknown(what: str, value: str, known: set[str]) -> str:
    return f"unknown {what} '{value}'" + (did_you_mean(value, sorted(known)) or f"; known: {', '.join(sorted(known))}")


def unique_in(loaded: Loaded, values: Sequence[str], at: KeyPath, key: str, what: str,
              indices: list[int] | None = None) -> set[str]:
    unique = set(values)
    if len(unique) == len(values):
        return unique  # the usual case, without building the report's index
    seen: dict[str, int] = {}
    for index, value in zip(indices or range(len(values)), values, strict=True):
        if value in seen:
            named = f" '{value}'" if what.endswith(" id") else ""
            message = f"duplicate {what}{named} (same as {at[-1]}[{seen[value]}])"
            loaded.problems.append(loaded.problem((*at, index, key) if key else (*at, index), message))
        seen.setdefault(value, index)
    return set(seen)


def normalise(text: str) -> str:
    return _WORDS.sub(" ", text.casefold()).strip()
