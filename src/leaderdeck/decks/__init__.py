"""The Anki deck compiler: a course → `decks/<course>.apkg` plus its lock file.

`build_decks` is the whole public surface: it reads the lock beside the deck, compiles (pure,
with `now` passed in), writes the package and the lock through temporary files, and returns what
changed so the build can tell learners which import options to use.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .._gc import without_gc
from ..files import write_if_changed
from ..model import Course
from .compile import RETIRED_TAG, Compiled, LessonChanges, compile_course
from .lock import Lock, RetiredNote, read_lock
from .package import read_notes, write_package

DECKS_DIR = "decks"

IMPORT_ADVICE = """\
To update, learners import the new .apkg over their existing deck (File → Import) with the defaults:
  Update notes: "If newer"    Update note types: "If newer"    Merge note types: off
  Import any learning progress: off    (review history and scheduling stay as they are)"""


@dataclass(frozen=True)
class DeckBuild:
    files: tuple[Path, ...]  # relative to the output root
    written: tuple[Path, ...]  # the files whose bytes changed
    changes: dict[str, LessonChanges]
    note_types_changed: tuple[str, ...]
    renamed_decks: tuple[tuple[str, str], ...] = ()
    notebook_only: int = 0  # items left out of the deck (anki: false)

    def report(self) -> list[str]:
        lines = [f"  {lesson}: {_describe(c)}" for lesson, c in self.changes.items() if c]
        if self.note_types_changed:
            lines.append(f"  note types updated: {', '.join(self.note_types_changed)}")
        lines += [f"  deck '{kept}' keeps its name (not '{titled}'): Anki matches decks by name and never "
                  "moves cards, so a new name would split the lesson; the new title heads the deck's description"
                  for kept, titled in self.renamed_decks]
        lines += [f"  warning: {lesson}: {', '.join(c.lost_cards)} no longer exist: learners keep them as "
                  "empty cards until they run Tools → Empty Cards in Anki"
                  for lesson, c in self.changes.items() if c.lost_cards]
        notebook = [f"  {self.notebook_only} item(s) notebook-only (anki: false, the default for reflections): "
                    "not in the deck"] if self.notebook_only else []
        if not lines and self.written:
            return [f"decks: wrote {', '.join(str(f) for f in self.written)} (no note changed)", *notebook]
        if not lines:
            return [f"decks: up to date ({', '.join(str(f) for f in self.files)})", *notebook]
        return [f"decks: wrote {', '.join(str(f) for f in self.files)}", *lines, *notebook,
                *IMPORT_ADVICE.splitlines()]


def deck_paths(course: Course) -> tuple[Path, Path]:
    """The package and its lock file, relative to the output root."""
    return Path(DECKS_DIR, f"{course.id}.apkg"), Path(DECKS_DIR, f"{course.id}.lock.json")


@without_gc
def build_decks(course: Course, out_root: Path, now: int, *, lock_root: Path | None = None,
                allow_schema_change: bool = False, allow_id_change: bool = False) -> DeckBuild:
    """Compile `course` into `out_root/decks/`. The lock is read from there, or else from
    `lock_root/decks/` (the committed one), so a build elsewhere keeps the published identity."""
    package_rel, lock_rel = deck_paths(course)
    lock_file = out_root / lock_rel
    if not lock_file.is_file() and lock_root is not None:
        lock_file = lock_root / lock_rel
    lock = read_lock(lock_file)
    compiled: Compiled = compile_course(course, lock, now, allow_schema_change=allow_schema_change,
                                        allow_id_change=allow_id_change,
                                        retiring=_retiring(course, lock, lock_file.parent / package_rel.name))
    written = []
    if write_package(out_root / package_rel, compiled.contents):
        written.append(package_rel)
    if write_if_changed(out_root / lock_rel, compiled.lock.to_json()):
        written.append(lock_rel)
    return DeckBuild((package_rel, lock_rel), tuple(written), compiled.changes, compiled.note_types_changed,
                     compiled.renamed_decks, compiled.notebook_only)


def _retiring(course: Course, lock: Lock, package: Path) -> dict[str, RetiredNote]:
    """The notes of items removed since the last build, as the released package holds them."""
    from ..identity import item_key_text

    current = {item_key_text(course.id, lesson.id, item.id, item.moved_from)
               for lesson in course.lessons for item in lesson.items if item.anki}
    guids = {entry.guid for key, entry in lock.notes.items() if key not in current}
    return {guid: RetiredNote(*found) for guid, found in read_notes(package, guids).items()}


def _describe(changes: LessonChanges) -> str:
    parts = [f"{len(ids)} {what} ({', '.join(ids)})" for what, ids in
             (("added", changes.added), ("updated", changes.updated), ("removed", changes.removed),
              ("now notebook-only (anki: false)", changes.notebook_only)) if ids]
    text = "; ".join(parts)
    if changes.removed or changes.notebook_only:
        text += (f" — kept in the deck tagged {RETIRED_TAG}: learners delete them with the search "
                 f"tag:{RETIRED_TAG} (Anki never moves their cards; a new profile gets them suspended in "
                 "the Retired subdeck)")
    return text


__all__ = ["DeckBuild", "build_decks", "deck_paths"]
