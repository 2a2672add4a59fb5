"""Wires load → validate for a whole course: the one place the stages meet, and the one route
every caller loads through (`check`, `build`, `new`, `quiz()`, `review()`, `dashboard()`).

`load_course` returns a typed `Course` or raises `LessonError` holding every problem in every
file, sorted by file and line, so an author fixes everything in one pass.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from ._gc import without_gc
from .errors import LeaderdeckError, LessonError, Problem, display_path
from .evidence import Sources
from .identity import item_key_text
from .load import Loaded, load_yaml
from .model import ITEM_KINDS, Course, CourseFile, Lesson
from .validate import did_you_mean, validate_course_file, validate_lesson

COURSE_FILE = "course.yaml"


def find_lessons_dir(start: Path | None = None) -> Path:
    """The `lessons/` folder of the project containing `start` (default: the working directory)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / COURSE_FILE).is_file():
            return folder
        if (folder / "lessons" / COURSE_FILE).is_file():
            return folder / "lessons"
    raise LeaderdeckError(f"no lessons/{COURSE_FILE} found in {display_path(here)} or above it")


def lesson_files(lessons_dir: Path) -> list[Path]:
    """Every `*.yaml` but the course file; dot-files (editor backups, `.x.yaml`) are not lessons."""
    return sorted(p for p in lessons_dir.glob("*.yaml") if p.name != COURSE_FILE and not p.name.startswith("."))


@without_gc
def load_course(lessons_dir: Path | None = None, *, files: Sequence[Path] | None = None) -> Course:
    """Load and validate the course in `lessons_dir`; raise `LessonError` with every problem.

    With `files`, only those lesson files are loaded (each checked exactly as in the whole
    course, against the same course file), and the course holds just them.
    """
    lessons_dir = find_lessons_dir() if lessons_dir is None else Path(lessons_dir)
    if not (lessons_dir / COURSE_FILE).is_file():
        what = "no such folder" if not lessons_dir.exists() else f"not a lessons folder (it has no {COURSE_FILE})"
        raise LeaderdeckError(f"{display_path(lessons_dir)}: {what}")
    loaded = _load(lessons_dir, files)
    if loaded.problems or loaded.info is None:
        raise LessonError(loaded.problems)
    order = {lesson_id: index for index, lesson_id in enumerate(loaded.info.lessons)}
    ordered = sorted(loaded.lessons, key=lambda lesson: order.get(lesson.id, len(order)))
    return Course(info=loaded.info, lessons=tuple(ordered), lessons_dir=lessons_dir.resolve(),
                  unverified=loaded.unverified)


class CheckedFiles(NamedTuple):
    lessons: list[Lesson]
    unverified: dict[Path, str]  # a lessons folder → why its evidence quotes were not verified


def check_files(paths: Sequence[Path]) -> list[Lesson]:
    """Validate lesson files named one by one, each against the course of its own folder (or,
    in a folder without one, against the sources the lesson declares)."""
    return check_files_noting(paths).lessons


def check_files_noting(paths: Sequence[Path]) -> CheckedFiles:
    """`check_files`, also saying for each folder why its evidence could not be verified."""
    problems: list[Problem] = []
    checked = CheckedFiles([], {})
    by_folder: dict[Path, list[Path]] = {}
    for path in map(Path, paths):
        by_folder.setdefault(path.parent, []).append(path)
    for folder, files in by_folder.items():
        loaded = _load(folder, files)
        checked.lessons.extend(loaded.lessons)
        problems += loaded.problems
        if loaded.unverified:
            checked.unverified[folder] = loaded.unverified
    if problems:
        raise LessonError(problems)
    return checked


class _Loaded(NamedTuple):
    info: CourseFile | None
    lessons: list[Lesson]
    problems: list[Problem]
    unverified: str | None  # why the evidence quotes could not be compared with the sources


def _load(lessons_dir: Path, files: Sequence[Path] | None) -> _Loaded:
    """The one route: the course file, then each lesson file (all, or `files`) against it."""
    course_file = lessons_dir / COURSE_FILE
    course_loaded = load_yaml(course_file) if course_file.exists() or course_file.is_symlink() else None
    info = validate_course_file(course_loaded) if course_loaded is not None else None
    known = _course_sources(course_loaded)
    texts = Sources.of(lessons_dir, course_loaded.data if course_loaded is not None else None)
    # Keep only what the course checks need of each file, not its positions: a large course
    # would otherwise hold every node's position of every lesson at once.
    loaded_lessons = [_summarise(*_load_lesson(path, known, lessons_dir, texts))
                      for path in (lesson_files(lessons_dir) if files is None else files)]
    problems = list(course_loaded.problems) if course_loaded is not None else []
    for loaded, _ in loaded_lessons:
        problems += loaded.problems
    problems += _check_course_lessons(course_loaded, info, loaded_lessons, whole=files is None)
    unverified = texts.reason if course_loaded is not None else (  # read after the quotes were compared
        f"no {COURSE_FILE} beside the lessons, so no sources to compare with")
    return _Loaded(info, [lesson for _, lesson in loaded_lessons if lesson], problems, unverified)


def _course_sources(course: Loaded | None) -> set[str] | None:
    """The source files the course file declares, even when the rest of it is broken (so a
    broken course file hides no unknown source); None when it declares no readable list."""
    data = course.data if course is not None else None
    sources = data.get("sources") if isinstance(data, dict) else None
    if not isinstance(sources, list):
        return None
    return {s["file"] for s in sources if isinstance(s, dict) and isinstance(s.get("file"), str)}


def _load_lesson(path: Path, known_sources: set[str] | None, lessons_dir: Path,
                 texts: Sources) -> tuple[Loaded, Lesson | None]:
    loaded = load_yaml(path)
    if loaded.data is None and loaded.problems:
        return loaded, None
    sources = known_sources if known_sources is not None else _declared_sources(loaded.data)
    return loaded, validate_lesson(loaded, sources, lessons_dir, texts)


def _declared_sources(data: object) -> set[str]:
    """Without a usable course file, a lesson's own source list is all it can be checked against."""
    sources = data.get("sources") if isinstance(data, dict) else None
    return {s for s in sources if isinstance(s, str)} if isinstance(sources, list) else set()


def _summarise(loaded: Loaded, lesson: Lesson | None) -> tuple[Loaded, Lesson | None]:
    """The same file with its data and positions dropped, but for where its id is (or the
    text to find it in, when no position has been needed yet)."""
    kept = Loaded(loaded.path, problems=loaded.problems, text=loaded.text)
    if loaded.text is None:
        kept.values[("id",)] = loaded.where(("id",))
    return kept, lesson


def _check_course_lessons(course: Loaded | None, info: CourseFile | None,
                          loaded_lessons: list[tuple[Loaded, Lesson | None]], *, whole: bool) -> list[Problem]:
    """Every listed lesson has exactly one file, and (for the whole course) every file is listed."""
    if info is None or course is None:
        return []
    problems = []
    first_file: dict[str, str] = {}
    for loaded, lesson in loaded_lessons:
        if lesson is None:
            continue
        if lesson.id in first_file:
            message = f"duplicate lesson id '{lesson.id}' (also in {first_file[lesson.id]})"
            problems.append(loaded.problem(("id",), message))
        elif whole and lesson.id not in info.lessons:
            message = (f"lesson '{lesson.id}' is not listed in {COURSE_FILE} 'lessons'"
                       + did_you_mean(lesson.id, info.lessons))
            problems.append(loaded.problem(("id",), message))
        first_file.setdefault(lesson.id, loaded.path)
    failed = any(lesson is None for _, lesson in loaded_lessons)
    for index, lesson_id in enumerate(info.lessons):
        if whole and lesson_id not in first_file and not failed:
            problems.append(course.problem(("lessons", index), f"no lesson file has id '{lesson_id}'"))
    if whole and not failed:
        problems += _check_see_also(loaded_lessons)
    return problems + _check_moved_items(info.id, loaded_lessons)


def _check_moved_items(course_id: str, loaded_lessons: list[tuple[Loaded, Lesson | None]]) -> list[Problem]:
    """An item that moved keeps its first lesson's key (`moved_from`): no two items may share a key."""
    first: dict[str, str] = {}
    problems = []
    for loaded, lesson in loaded_lessons:
        for index, item in enumerate(lesson.items if lesson else ()):
            if item.moved_from is None:
                continue
            at = ("items", index, "moved_from")
            if lesson is not None and item.moved_from == lesson.id:
                problems.append(loaded.problem(at, "moved_from names this lesson: it is for an item that "
                                                   "moved here from another lesson"))
            key = item_key_text(course_id, item.moved_from, item.id)
            if key in first:
                problems.append(loaded.problem(at, f"another item moved from '{item.moved_from}' with id "
                                                   f"'{item.id}' ({first[key]}): one item per key"))
            first.setdefault(key, loaded.path)
    for loaded, lesson in loaded_lessons:
        for index, item in enumerate(lesson.items if lesson else ()):
            key = item_key_text(course_id, lesson.id, item.id) if lesson else ""
            if item.moved_from is None and key in first:
                message = (f"item id '{item.id}' is taken: an item moved from this lesson keeps it "
                           f"({first[key]}); choose another id")
                problems.append(loaded.problem(("items", index, "id"), message))
    return problems


def _check_see_also(loaded_lessons: list[tuple[Loaded, Lesson | None]]) -> list[Problem]:
    """Every `see_also` names a concept of another lesson (the whole course is needed to know)."""
    known = {f"{lesson.id}/{concept.id}": lesson.id for _, lesson in loaded_lessons if lesson
             for concept in lesson.concepts}
    problems = []
    for loaded, lesson in loaded_lessons:
        for index, concept in enumerate(lesson.concepts if lesson else ()):
            for number, reference in enumerate(concept.see_also):
                at = ("concepts", index, "see_also", number)
                if reference not in known:
                    message = f"unknown concept '{reference}' (lesson-id/concept-id)" + did_you_mean(reference, known)
                    problems.append(loaded.problem(at, message))
                elif lesson is not None and known[reference] == lesson.id:
                    message = f"'{reference}' is in this lesson: see_also links to other lessons"
                    problems.append(loaded.problem(at, message))
    return problems


def summary(lessons: list[Lesson]) -> str:
    """One line for a clean check: lessons, items, and items by kind."""
    kinds = Counter(item.kind for lesson in lessons for item in lesson.items)
    by_kind = ", ".join(f"{kinds[kind]} {kind}" for kind in ITEM_KINDS if kinds[kind])
    total = sum(kinds.values())
    return f"ok: {len(lessons)} lesson{'s' * (len(lessons) != 1)}, {total} item{'s' * (total != 1)} ({by_kind})"
