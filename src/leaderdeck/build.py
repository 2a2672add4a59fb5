"""`leaderdeck build`: compile the course into every generated output, as a short list of steps.

Each step takes the course and an output root and returns the files it owns (relative to that
root) plus report lines. `--check` runs the same steps into a temporary folder, reading the
committed lock files, and names every committed file whose bytes differ. The caller passes `now`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from .model import Course


@dataclass(frozen=True)
class StepResult:
    files: tuple[Path, ...]
    report: list[str]


@dataclass(frozen=True)
class BuildOptions:
    now: int  # seconds since the epoch: when edited content "last changed"
    allow_schema_change: bool = False
    lock_root: Path | None = None  # where committed lock files live, if not in the output root
    allow_id_change: bool = False


Step = Callable[[Course, Path, BuildOptions], StepResult]


def _decks_step(course: Course, out_root: Path, options: BuildOptions) -> StepResult:
    from .decks import build_decks

    result = build_decks(course, out_root, options.now, lock_root=options.lock_root,
                         allow_schema_change=options.allow_schema_change,
                         allow_id_change=options.allow_id_change)
    return StepResult(result.files, result.report())


def _notebooks_step(course: Course, out_root: Path, options: BuildOptions) -> StepResult:
    from .notebooks import write_notebooks

    files, report = write_notebooks(course, out_root)
    return StepResult(files, report)


STEPS: list[Step] = [_decks_step, _notebooks_step]


def project_root(course: Course) -> Path:
    """Generated folders (`decks/`, `notebooks/`) sit beside `lessons/`."""
    return course.lessons_dir.parent


def build(course: Course, options: BuildOptions, out_root: Path | None = None) -> list[str]:
    """Run every step into `out_root` (default: the project root); return the report lines."""
    root = project_root(course)
    out = out_root or root
    options = replace(options, lock_root=options.lock_root or root)
    return [line for step in STEPS for line in step(course, out, options).report]


def stale_files(course: Course, options: BuildOptions) -> list[Path]:
    """Committed files that differ from (or are missing compared with) a fresh build."""
    root = project_root(course)
    fresh_options = replace(options, lock_root=root)
    stale = []
    with tempfile.TemporaryDirectory(prefix="leaderdeck-check-") as folder:
        fresh = [relative for step in STEPS for relative in step(course, Path(folder), fresh_options).files]
        for relative in fresh:
            committed = root / relative
            if not committed.is_file() or committed.read_bytes() != (Path(folder) / relative).read_bytes():
                stale.append(relative)
    return stale + _leftovers(root, fresh)


def _leftovers(root: Path, fresh: list[Path]) -> list[Path]:
    """Generated-looking files in the output folders that a fresh build no longer writes
    (a deleted lesson's notebook, say): they would mislead learners, so --check names them."""
    folders = {relative.parent for relative in fresh}
    expected = set(fresh)
    return sorted(path.relative_to(root) for folder in folders for path in (root / folder).glob("*")
                  if path.suffix in _GENERATED_SUFFIXES and path.relative_to(root) not in expected)


_GENERATED_SUFFIXES = {".ipynb", ".apkg"}
