"""Spaced repetition across lessons: the progress store, FSRS scheduling, the review queue and
the dashboard. `api` is the outer layer that reads the clock and the environment; everything
beneath it takes the time as an argument. Names load lazily, so importing this is free.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_PUBLIC = {
    "default_answer_handler": "api",
    "review": "api",
    "dashboard": "api",
    "stats": "api",
    "open_store": "store",
    "default_store_path": "store",
    "ProgressStore": "store",
}
__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module 'leaderdeck.progress' has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_PUBLIC[name]}"), name)
