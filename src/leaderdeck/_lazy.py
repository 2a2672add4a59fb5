"""Public names that live in submodules, imported on first use.

`import leaderdeck` (and its subpackages) must stay cheap: the CLI's `--help`, and a notebook
that only shows a quiz, should not pay for the store, the deck compiler or Anki exchange.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib import import_module
from typing import Any


def lazy_exports(package: str, table: dict[str, str]) -> tuple[Callable[[str], Any], list[str]]:
    """A module `__getattr__` and `__all__` for `table`: public name → "submodule" or
    "submodule:attribute" (relative to `package`). The package also gets a `__dir__` that lists
    these names (and its dunders, not its imports), so tab completion in a notebook offers them."""

    def __getattr__(name: str) -> Any:
        if name not in table:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, _, attribute = table[name].partition(":")
        return getattr(import_module(module, package), attribute or name)

    namespace = vars(sys.modules[package])  # the package calls this while it is being imported

    def __dir__() -> list[str]:
        return sorted({*table, *(name for name in namespace if name.startswith("__") and name.endswith("__"))})

    namespace["__dir__"] = __dir__
    return __getattr__, sorted(table)
