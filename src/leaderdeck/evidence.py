"""Evidence: the quote that backs an answer, found in the source it cites.

An item's `evidence.quote` must occur in the item's `source` file; a concept's, in one of its
lesson's sources. The comparison ignores case, runs of white space, and the difference between
typographic and straight quotes, apostrophes and dashes; `…` (or `...`) marks a cut, and the parts
must occur in order. The sources' folder is `sources_dir` in course.yaml. Where it is absent the
quotes cannot be verified: validation passes, and `Sources.reason` says why (the loaded course
keeps it as `Course.unverified`), so that `check` can print it rather than pass silently.

Called from the validate stage (`check_evidence`); the source texts are read once per course
load, and only when some quote needs them.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterable
from pathlib import Path

from .errors import display_path
from .load import KeyPath, Loaded, read_at_most
from .model import Concept, Evidence, ItemBase

_TYPOGRAPHIC = str.maketrans({
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "“": '"', "”": '"', "„": '"', "″": '"',
    "–": "-", "—": "-", "‒": "-", "―": "-", "−": "-", "\u00a0": " ", "\u202f": " ",
})
MAX_SOURCE_BYTES = 16 * 1024 * 1024  # a transcript or an article; more is not a source
_CUT = re.compile(r"…|\.\.\.")
_SPACED_DASH = re.compile(r" ?- ?")


def normalise(text: str) -> str:
    """Text as the quote check compares it: one case, single spaces, straight quotes and dashes."""
    return _SPACED_DASH.sub("-", " ".join(text.translate(_TYPOGRAPHIC).casefold().split()))


def occurs(quote: str, normalised_source: str) -> bool:
    """Whether the quote's parts (split at `…`) occur in the source, in order."""
    position = 0
    for part in filter(None, (normalise(p) for p in _CUT.split(quote))):
        found = normalised_source.find(part, position)
        if found < 0:
            return False
        position = found + len(part)
    return True


class Sources:
    """The course's source texts, read lazily; `reason` says why some cannot be (or is None).

    `sources_dir` is author text: it may name anything (an absolute path, a file, a link loop, a
    FIFO, a name too long for the system). Every look at the file system here is guarded, and
    only regular files of at most `MAX_SOURCE_BYTES` are read."""

    def __init__(self, folder: Path | None, files: Iterable[str], reason: str | None):
        self.folder, self.files, self._reason = folder, frozenset(files), reason
        self._texts: dict[str, str | None] = {}
        self._unreadable: dict[str, str] = {}  # a declared source → why it could not be read

    @property
    def reason(self) -> str | None:
        """Why some quotes could not be compared with their source, or None if all could."""
        if self._reason or not self._unreadable:
            return self._reason
        return "cannot read " + "; ".join(f"{file} ({why})" for file, why in self._unreadable.items())

    @classmethod
    def of(cls, lessons_dir: Path, course_data: object) -> Sources:
        """The sources a course file (as loaded data, possibly broken) declares and locates."""
        data = course_data if isinstance(course_data, dict) else {}
        listed = data.get("sources")
        declared = listed if isinstance(listed, list) else []
        files = [s["file"] for s in declared if isinstance(s, dict) and isinstance(s.get("file"), str)]
        where = data.get("sources_dir")
        if not isinstance(where, str) or not where.strip():
            return cls(None, files, "no `sources_dir` in course.yaml")
        folder = lessons_dir / where
        problem = _problem(folder, stat.S_ISDIR, "is not a folder")
        if problem is not None:
            return cls(folder, files, f"sources folder {problem} ({_shown(folder)})")
        missing = [file for file in files if _problem(folder / file, stat.S_ISREG, "") is not None]
        reason = f"not in {_shown(folder)}: {', '.join(missing)}" if missing else None
        return cls(folder, files, reason)

    def text(self, file: str) -> str | None:
        """The normalised text of a declared source, or None when it cannot be read."""
        if file not in self._texts:
            self._texts[file] = None
            path = self.folder / file if self.folder and file in self.files else None
            if path is not None and _problem(path, stat.S_ISREG, "") is None:
                try:
                    raw = read_at_most(path, MAX_SOURCE_BYTES + 1)
                except OSError as error:
                    self._unreadable[file] = error.strerror or str(error)
                    return None
                if len(raw) > MAX_SOURCE_BYTES:
                    self._unreadable[file] = f"more than {MAX_SOURCE_BYTES:,} bytes"
                    return None
                self._texts[file] = normalise(raw.decode("utf-8", errors="replace"))
        return self._texts[file]


def _problem(path: Path, is_wanted: Callable[[int], bool], not_wanted: str) -> str | None:
    """Why `path` is not what is wanted (`not_wanted` when it exists as something else), or None."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "not found"
    except OSError as error:  # a link loop, a name too long, no permission
        return f"cannot be read: {error.strerror or error}"
    except ValueError:  # a NUL in the name
        return "cannot be read: its name holds a NUL character"
    return None if is_wanted(mode) else not_wanted or "not a regular file"


def _shown(path: Path) -> str:
    """A path for one line of a message: as typed, without line breaks or controls, at most 100 characters."""
    text = display_path(path)
    text = text if text.isprintable() else repr(text)[1:-1]
    return text if len(text) <= 100 else text[:99] + "…"


def check_evidence(loaded: Loaded, items: Iterable[tuple[int, ItemBase]], concepts: Iterable[tuple[int, Concept]],
                   lesson_sources: tuple[str, ...], sources: Sources | None) -> None:
    """Add a problem for each evidence entry that is empty or quotes what its source does not say."""
    for index, item in items:
        if item.evidence is not None:
            _check_one(loaded, item.evidence, ("items", index, "evidence"), (item.source,), sources)
    for index, concept in concepts:
        if concept.evidence is not None:
            _check_one(loaded, concept.evidence, ("concepts", index, "evidence"), lesson_sources, sources)


def _check_one(loaded: Loaded, evidence: Evidence, at: KeyPath, cited: tuple[str, ...],
               sources: Sources | None) -> None:
    if not evidence.quote and not evidence.synthesis:
        message = "give a `quote` from the source, or a `synthesis` saying why no quote backs the answer"
        loaded.problems.append(loaded.problem(at, message))
    if evidence.speaker and not evidence.quote:
        loaded.problems.append(loaded.problem((*at, "speaker"), "a speaker needs a quote"))
    if not evidence.quote or sources is None:
        return  # a source that cannot be read is skipped: `Sources.reason` says so
    texts = [text for text in map(sources.text, cited) if text is not None]
    if texts and not any(occurs(evidence.quote, text) for text in texts):
        where = cited[0] if len(cited) == 1 else f"any of the lesson's sources ({', '.join(cited)})"
        loaded.problems.append(loaded.problem((*at, "quote"), f"quote not found in {where}"))
