"""Interactive quizzes: `leaderdeck.quiz("door-decisions")` in a notebook cell.

`grading` and `session` are the pure model (tested without widgets); `cards` and `view` are the
thin ipywidgets layer over it. Widgets are imported only when a quiz is shown.

`leaderdeck.quiz` is both this package and the function a notebook calls: importing any
submodule makes Python set the attribute `leaderdeck.quiz` to the package, so the package itself
is made callable (a documented use of module `__class__` assignment) and calling it shows a quiz.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from ..errors import LeaderdeckError

if TYPE_CHECKING:
    from ..events import AnswerHandler
    from ..model import Course
    from .view import QuizView

_courses: dict[Path, tuple[tuple[tuple[str, int], ...], Course]] = {}
_courses_lock = threading.Lock()


def cached_course(lessons_dir: Path | str | None = None) -> Course:
    """The course, loaded once per process and reloaded only when a lesson file changes."""
    from ..course import COURSE_FILE, find_lessons_dir, lesson_files, load_course

    folder = (find_lessons_dir() if lessons_dir is None else Path(lessons_dir)).resolve()
    files = [folder / COURSE_FILE, *lesson_files(folder)]
    stamp = tuple((path.name, path.stat().st_mtime_ns) for path in files if path.is_file())
    with _courses_lock:
        cached = _courses.get(folder)
        if cached is None or cached[0] != stamp:
            _courses[folder] = (stamp, load_course(folder))
        return _courses[folder][1]


def quiz(lesson: str, concept: str | None = None, *, on_answer: AnswerHandler | None = None,
         lessons_dir: Path | str | None = None) -> QuizView:
    """Show a quiz on every item of `lesson` (or of one `concept` in it).

    Each answer goes to `on_answer`; by default to the progress store (see `leaderdeck.progress`).
    """
    from .session import Session, find_lesson, lesson_steps
    from .view import QuizView

    course = cached_course(lessons_dir)
    steps = lesson_steps(course, lesson, concept)
    title = course.lesson(lesson).concept(concept).title if concept else find_lesson(course, lesson).title
    handler, notice = (on_answer, "") if on_answer is not None else _default_handler()
    return QuizView(Session(steps), handler, title=title, notice=notice)


def _default_handler() -> tuple[AnswerHandler, str]:
    """The progress store's handler, or (until it is available) a visible warning."""
    try:
        from ..progress.api import default_answer_handler
    except ImportError:
        return _keep_in_memory, "✗ Progress is not saved: the progress store is not available."
    return default_answer_handler(), ""


def _keep_in_memory(answer: Any) -> None:
    """Answers still reach the session (summary, retry); they just are not stored."""


class _CallableModule(ModuleType):
    def __call__(self, lesson: str, concept: str | None = None, **kwargs: Any) -> QuizView:
        return quiz(lesson, concept, **kwargs)


sys.modules[__name__].__class__ = _CallableModule

__all__ = ["LeaderdeckError", "cached_course", "quiz"]
