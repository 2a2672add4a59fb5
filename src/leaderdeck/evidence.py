"""Evidence: the quote that backs an answer, found in the source it cites.

An item's `evidence.quote` must occur in the item's `source` file; a concept's, in one of its
lesson's sources. The comparison ignores case, runs of white space, and the difference between
typographic and straight quotes, apostrophes and dashes; `…` (or `...`) marks a cut, and the parts
must occur in order. The sources' folder is `sources_dir` in course.yaml. Where it is absent the
quotes cannot be verified: validation passes, and `unverified(lessons_dir)` says why, so that
`check` can print it rather than pass silently.

Called from the validate stage (`check_evidence`); the source texts are read once per course
load, and only when some quote needs them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from .load import KeyPath, Loaded, load_yaml
from .model import Concept, Evidence, ItemBase

_TYPOGRAPHIC = str.maketrans({
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "“": '"', "”": '"', "„": '"', "″": '"',
    "–": "-", "—": "-", "‒": "-", "―": "-", "−": "-", "\u00a0": " ", "\u202f": " ",
})
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
    """The course's source texts, read lazily; `reason` says why they cannot be (or is None)."""

    def __init__(self, folder: Path | None, files: Iterable[str], reason: str | None):
        self.folder, self.files, self.reason = folder, frozenset(files), reason
        self._texts: dict[str, str | None] = {}

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
        missing = [file for file in files if not (folder / file).is_file()]
        if not folder.is_dir():
            return cls(folder, files, f"sources folder not found ({folder})")
        reason = f"not in {folder}: {', '.join(missing)}" if missing else None
        return cls(folder, files, reason)

    def text(self, file: str) -> str | None:
        """The normalised text of a declared source, or None when it cannot be read."""
        if file not in self._texts:
            path = self.folder / file if self.folder and file in self.files else None
            if path is not None and path.is_file():
                self._texts[file] = normalise(path.read_text(encoding="utf-8", errors="replace"))
            else:
                self._texts[file] = None
        return self._texts[file]


def unverified(lessons_dir: Path) -> str | None:
    """Why the quotes of the course in `lessons_dir` could not be verified, or None if they were."""
    course_file = lessons_dir / "course.yaml"
    if not course_file.is_file():
        return "no course.yaml beside the lessons, so no sources to compare with"
    return Sources.of(lessons_dir, load_yaml(course_file).data).reason


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
        return  # a source that cannot be read is skipped: `unverified` says so
    texts = [text for text in map(sources.text, cited) if text is not None]
    if texts and not any(occurs(evidence.quote, text) for text in texts):
        where = cited[0] if len(cited) == 1 else f"any of the lesson's sources ({', '.join(cited)})"
        loaded.problems.append(loaded.problem((*at, "quote"), f"quote not found in {where}"))
