"""Interactive quizzes: `leaderdeck.quiz("door-decisions")` in a notebook cell.

`grading`, `feedback` and `session` are the pure model (tested without widgets); `cards` holds one
class per item kind that turns input into outcomes and describes what to show; `view` is the outer
layer (clock, store, the anywidget drawn by `quiz.js`). Widgets are imported only when a quiz is shown.

`leaderdeck.quiz` (the public API) is the `quiz` function defined here.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import LeaderdeckError

if TYPE_CHECKING:
    from ..events import AnswerHandler
    from ..model import Course
    from .view import ProgressLookup, QuizView

_courses: dict[tuple[Path, str | None], tuple[tuple[tuple[str, int], ...], Course]] = {}
_courses_lock = threading.Lock()


def cached_course(lessons_dir: Path | str | None = None, lesson: str | None = None) -> Course:
    """The course, loaded once per process and reloaded only when one of its files changes.

    With `lesson`, only that lesson's file (and the course file) is read when it can be found by
    name (`NN-<id>.yaml` or `<id>.yaml`): a quiz needs no other lesson, and this keeps the first
    quiz of a notebook fast. Anything unexpected falls back to loading the whole course.
    The browser edition's course comes compiled instead (`leaderdeck.site.course_file`).
    """
    from ..site.course_file import compiled_course

    if lessons_dir is None and (compiled := compiled_course()) is not None:
        return compiled
    from ..course import COURSE_FILE, find_lessons_dir, lesson_files

    folder = (find_lessons_dir() if lessons_dir is None else Path(lessons_dir)).resolve()
    all_files = lesson_files(folder)
    named = [p for p in all_files if lesson and re.fullmatch(rf"(\d+-)?{re.escape(lesson)}", p.stem)]
    key = (folder, lesson if len(named) == 1 else None)
    files = [folder / COURSE_FILE, *(named if key[1] else all_files)]
    stamp = tuple((path.name, path.stat().st_mtime_ns) for path in files if path.is_file())
    with _courses_lock:
        cached = _courses.get(key)
        if cached is None or cached[0] != stamp:
            _courses[key] = (stamp, _load(folder, named[0] if key[1] else None, lesson))
        return _courses[key][1]


def _load(folder: Path, lesson_file: Path | None, lesson_id: str | None) -> Course:
    from ..course import load_course

    if lesson_file is not None:
        course = load_course(folder, files=[lesson_file])  # a broken lesson raises LessonError, as it should
        if course.lessons[0].id == lesson_id and lesson_id in course.info.lessons:
            return course
    return load_course(folder)


def quiz(lesson: str, concept: str | None = None, *, on_answer: AnswerHandler | None = None,
         lessons_dir: Path | str | None = None, progress: ProgressLookup | None = None) -> QuizView:
    """Show a quiz on every item of `lesson` (or of one `concept` in it).

    Each answer goes to `on_answer`; by default to the progress store (see `leaderdeck.progress`),
    which then also tells where the learner stands: what is due, what was answered today.
    """
    from ..model import Cloze
    from .grading import blanks, masked_title
    from .session import Session, find_lesson, lesson_steps
    from .standing import StoreLookup
    from .view import QuizView

    course = cached_course(lessons_dir, lesson)
    steps = lesson_steps(course, lesson, concept)
    title = course.lesson(lesson).concept(concept).title if concept else find_lesson(course, lesson).title
    answers = [blank.answer for step in steps if isinstance(step.item, Cloze) for blank in blanks(step.item)]
    if on_answer is None and progress is None:
        progress = StoreLookup()
    return QuizView(Session(steps), on_answer or _record_in_store, title=masked_title(title, answers),
                    progress=progress)


def _record_in_store(answer: Any) -> None:
    """Imports the store on the first answer, not when the quiz is shown (that keeps it fast)."""
    from ..progress.api import default_answer_handler

    default_answer_handler()(answer)


__all__ = ["LeaderdeckError", "cached_course", "quiz"]
