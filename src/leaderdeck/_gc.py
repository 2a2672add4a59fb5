"""Pausing Python's cycle collector during bulk steps.

Loading and compiling a large course make hundreds of thousands of objects that all stay alive
until the step ends, and no garbage cycles. The collector, triggered by allocation counts, would
walk that growing heap again and again for nothing: pausing it makes a 10,000-item build about
a tenth faster. Reference counting still frees everything as usual.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def without_gc(function: Callable[P, R]) -> Callable[P, R]:
    """Run `function` with the cycle collector paused (see the module's note)."""

    @wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if not gc.isenabled():  # already paused by a caller (a build loads, then compiles): theirs to resume
            return function(*args, **kwargs)
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            gc.enable()

    return wrapper
