"""Our own error type: every problem a user can fix, with where it is.

Expected failures (a bad lesson, a missing file, a locked store) raise `LeaderdeckError`; the CLI
prints its message and exits 1 without a traceback. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input file, located to the character."""

    path: str
    line: int
    column: int
    key_path: str
    message: str

    def __str__(self) -> str:
        where = f"{printable(self.path)}:{self.line}:{self.column}"
        message = printable(self.message)
        return f"{where}: {printable(self.key_path)}: {message}" if self.key_path else f"{where}: {message}"


# Controls (C0, DEL, C1), line and paragraph separators, bidi overrides and isolates, BOM: in a
# message they would break its one line, move the cursor or colour the terminal (ESC), or make a
# quoted value read differently from what the file holds.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def printable(text: str, *, keep_lines: bool = False) -> str:
    """`text` for a terminal: each unprintable character as its escape (`\\x1b`, `\\u202e`);
    with `keep_lines`, line feeds stay."""
    def escape(found: re.Match[str]) -> str:
        char = found.group()
        if keep_lines and char == "\n":
            return char
        return repr(char)[1:-1] if ord(char) < 0x100 else f"\\u{ord(char):04x}"

    return _UNPRINTABLE.sub(escape, text)


class LeaderdeckError(Exception):
    """A problem the user can fix. `str(error)` is the whole message to show them."""

    def _render_traceback_(self) -> list[str]:
        """IPython shows this instead of a traceback: a learner in a notebook sees the message."""
        return [f"\033[1;31mleaderdeck:\033[0m {line}" for line in str(self).splitlines()]


class LessonError(LeaderdeckError):
    """One or more problems in lesson or course files, all reported at once."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: tuple[Problem, ...] = tuple(sorted(set(problems)))
        super().__init__("\n".join(str(p) for p in self.problems))


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when inside it.
    Only the folder is resolved: a link is named as itself, never as its target (which may
    not exist, or loop)."""
    path = Path(path)
    try:
        full = path.resolve() if path.name in ("", "..") else path.parent.resolve() / path.name
        return str(full.relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):
        return str(path)
