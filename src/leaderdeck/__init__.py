"""leaderdeck: learn leadership concepts with spaced repetition.

The public API, shared by the notebooks and the `leaderdeck` command. Heavy modules are imported
only when a function needs them, so `import leaderdeck` and `leaderdeck --help` stay fast.
"""

from __future__ import annotations

from ._lazy import lazy_exports

__version__ = "0.1.0"

__getattr__, __all__ = lazy_exports(__name__, {
    "LeaderdeckError": ".errors",
    "LessonError": ".errors",
    "load_course": ".course",
    "check_files": ".course",
    "lint_course": ".lint",  # item-quality rules over a loaded course (docs/authoring.md lists them)
    "render_markdown": ".markdown:render",
    "quiz": ".quizzes",  # leaderdeck.quiz("door-decisions") in a notebook cell
    "open_store": ".progress.store",
    "review": ".progress.api",  # today's review across lessons, for review.ipynb
    "dashboard": ".progress.api",  # where the learner stands, for 00-start-here.ipynb
    "stats": ".progress.api",
})
