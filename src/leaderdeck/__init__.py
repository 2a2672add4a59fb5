"""leaderdeck: learn leadership concepts with spaced repetition.

The public API, shared by the notebooks and the `leaderdeck` command. Heavy modules are imported
only when a function needs them, so `import leaderdeck` and `leaderdeck --help` stay fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

# public name → the module that defines it
_PUBLIC = {
    "LeaderdeckError": "leaderdeck.errors",
    "LessonError": "leaderdeck.errors",
    "load_course": "leaderdeck.course",
    "check_files": "leaderdeck.course",
    "render_markdown": "leaderdeck.markdown",
    "quiz": "leaderdeck.quizzes",  # leaderdeck.quiz("door-decisions") in a notebook cell
    "open_store": "leaderdeck.progress.store",
    "review": "leaderdeck.progress.api",  # today's review across lessons, for review.ipynb
    "dashboard": "leaderdeck.progress.api",  # where the learner stands, for 00-start-here.ipynb
    "stats": "leaderdeck.progress.api",
}
__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module 'leaderdeck' has no attribute {name!r}")
    module = import_module(_PUBLIC[name])
    return getattr(module, "render" if name == "render_markdown" else name)
