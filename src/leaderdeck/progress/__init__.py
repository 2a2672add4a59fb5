"""Spaced repetition across lessons: the progress store, FSRS scheduling, the review queue and
the dashboard. `api` is the outer layer that reads the clock and the environment; everything
beneath it takes the time as an argument. Names load lazily, so importing this is free.
"""

from __future__ import annotations

from .._lazy import lazy_exports

__getattr__, __all__ = lazy_exports(__name__, {
    "default_answer_handler": ".api",
    "review": ".api",
    "dashboard": ".api",
    "stats": ".api",
    "open_store": ".store",
    "default_store_path": ".store",
    "ProgressStore": ".store",
})
