"""Wires load → validate for a whole course: the one place the stages meet.

`load_course` returns a typed `Course` or raises `LessonError` holding every problem in every
file, sorted by file and line, so an author fixes everything in one pass.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from ._gc import without_gc
from .errors import LeaderdeckError, LessonError, Problem, display_path
from .load import Loaded, load_plain, load_yaml
from .model import ITEM_KINDS, Course, CourseFile, Lesson
from .validate import did_you_mean, validate_course_file, validate_lesson, validate_lesson_quickly

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
    return sorted(p for p in lessons_dir.glob("*.yaml") if p.name != COURSE_FILE)


@without_gc
def load_course(lessons_dir: Path | None = None) -> Course:
    """Load and validate the course in `lessons_dir`; raise `LessonError` with every problem."""
    lessons_dir = find_lessons_dir() if lessons_dir is None else Path(lessons_dir)
    if not (lessons_dir / COURSE_FILE).is_file():
        what = "no such folder" if not lessons_dir.exists() else f"not a lessons folder (it has no {COURSE_FILE})"
        raise LeaderdeckError(f"{display_path(lessons_dir)}: {what}")
    return _load_valid_course_quickly(lessons_dir) or _load_course_with_positions(lessons_dir)


def _load_valid_course_quickly(lessons_dir: Path) -> Course | None:
    """The course, read without positions (see `load.load_plain`), when nothing is wrong with it;
    else None, and `_load_course_with_positions` finds and places every problem. Files outside
    the fast path's subset are read with positions here already."""
    course_data = load_plain(lessons_dir / COURSE_FILE)
    course_loaded = Loaded("", course_data) if course_data is not None else load_yaml(lessons_dir / COURSE_FILE)
    info = validate_course_file(course_loaded) if not course_loaded.problems else None
    if info is None or course_loaded.problems:
        return None
    known = {s.file for s in info.sources}
    lessons = []
    for path in lesson_files(lessons_dir):
        data = load_plain(path)
        lesson = (validate_lesson_quickly(data, known, lessons_dir) if data is not None
                  else _load_lesson(path, known, lessons_dir, check_sources=True)[1])
        if lesson is None:
            return None
        lessons.append(lesson)
    if sorted(lesson.id for lesson in lessons) != sorted(info.lessons):
        return None  # a lesson missing, unlisted or twice: the positional pass says which
    return _course(info, lessons, lessons_dir)


def _course(info: CourseFile, lessons: list[Lesson], lessons_dir: Path) -> Course:
    order = {lesson_id: index for index, lesson_id in enumerate(info.lessons)}
    return Course(info=info, lessons=tuple(sorted(lessons, key=lambda lesson: order[lesson.id])),
                  lessons_dir=lessons_dir.resolve())


def _load_course_with_positions(lessons_dir: Path) -> Course:
    course_loaded = load_yaml(lessons_dir / COURSE_FILE)
    info = validate_course_file(course_loaded) if not course_loaded.problems else None
    known = {s.file for s in info.sources} if info else set()
    # Keep only what the course checks need of each file, not its positions: a large course
    # would otherwise hold every node's position of every lesson at once.
    loaded_lessons = [_summarise(*_load_lesson(path, known, lessons_dir, check_sources=info is not None))
                      for path in lesson_files(lessons_dir)]
    problems = list(course_loaded.problems)
    for loaded, _ in loaded_lessons:
        problems += loaded.problems
    lessons = [lesson for _, lesson in loaded_lessons if lesson]
    problems += _check_course_lessons(course_loaded, info, loaded_lessons)
    if problems or info is None:
        raise LessonError(problems)
    return _course(info, lessons, lessons_dir)


def check_files(paths: list[Path]) -> list[Lesson]:
    """Validate lesson files named one by one, each against the course of its own folder."""
    problems: list[Problem] = []
    lessons: list[Lesson] = []
    for path in paths:
        lessons_dir = path.parent
        course = load_yaml(lessons_dir / COURSE_FILE)
        info = validate_course_file(course) if not course.problems else None
        known = {s.file for s in info.sources} if info else set()
        loaded, lesson = _load_lesson(path, known, lessons_dir, check_sources=info is not None)
        problems += loaded.problems
        lessons += [lesson] if lesson else []
    if problems:
        raise LessonError(problems)
    return lessons


def _load_lesson(path: Path, known_sources: set[str], lessons_dir: Path,
                 *, check_sources: bool) -> tuple[Loaded, Lesson | None]:
    loaded = load_yaml(path)
    if loaded.problems:
        return loaded, None
    sources = known_sources if check_sources else _declared_sources(loaded.data)
    return loaded, validate_lesson(loaded, sources, lessons_dir)


def _declared_sources(data: object) -> set[str]:
    """Without a usable course file, a lesson's own source list is all it can be checked against."""
    sources = data.get("sources") if isinstance(data, dict) else None
    return {s for s in sources if isinstance(s, str)} if isinstance(sources, list) else set()


def _summarise(loaded: Loaded, lesson: Lesson | None) -> tuple[Loaded, Lesson | None]:
    """The same file with its data and positions dropped, but for where its id is."""
    kept = Loaded(loaded.path, problems=loaded.problems)
    kept.values[("id",)] = loaded.where(("id",))
    return kept, lesson


def _check_course_lessons(course: Loaded, info: CourseFile | None,
                          loaded_lessons: list[tuple[Loaded, Lesson | None]]) -> list[Problem]:
    """Every listed lesson has exactly one file, and every file is listed."""
    if info is None:
        return []
    problems = []
    first_file: dict[str, str] = {}
    for loaded, lesson in loaded_lessons:
        if lesson is None:
            continue
        at = loaded.where(("id",))
        if lesson.id in first_file:
            message = f"duplicate lesson id '{lesson.id}' (also in {first_file[lesson.id]})"
            problems.append(Problem(loaded.path, at.line, at.column, "id", message))
        elif lesson.id not in info.lessons:
            message = (f"lesson '{lesson.id}' is not listed in {COURSE_FILE} 'lessons'"
                       + did_you_mean(lesson.id, info.lessons))
            problems.append(Problem(loaded.path, at.line, at.column, "id", message))
        first_file.setdefault(lesson.id, loaded.path)
    failed = any(lesson is None for _, lesson in loaded_lessons)
    for index, lesson_id in enumerate(info.lessons):
        if lesson_id not in first_file and not failed:
            problems.append(course.problem(("lessons", index), f"no lesson file has id '{lesson_id}'"))
    return problems


def summary(lessons: list[Lesson]) -> str:
    """One line for a clean check: lessons, items, and items by kind."""
    kinds = Counter(item.kind for lesson in lessons for item in lesson.items)
    by_kind = ", ".join(f"{kinds[kind]} {kind}" for kind in ITEM_KINDS if kinds[kind])
    total = sum(kinds.values())
    return f"ok: {len(lessons)} lesson{'s' * (len(lessons) != 1)}, {total} item{'s' * (total != 1)} ({by_kind})"
