"""The public API is discoverable, and the package imports where `fcntl` does not exist (Windows)."""

from __future__ import annotations

import subprocess
import sys

import pytest

import leaderdeck
import leaderdeck.exchange
import leaderdeck.progress


@pytest.mark.parametrize("package", [leaderdeck, leaderdeck.progress, leaderdeck.exchange])
def test_dir_lists_the_public_api_for_tab_completion(package):
    names = dir(package)
    assert set(package.__all__) <= set(names)
    assert [name for name in names if not name.startswith("__")] == sorted(package.__all__)
    for name in package.__all__:
        assert getattr(package, name) is not None


def test_dir_keeps_the_version_and_hides_imports():
    assert "__version__" in dir(leaderdeck) and "lazy_exports" not in dir(leaderdeck)
    assert {"quiz", "review", "dashboard", "stats", "load_course"} <= set(dir(leaderdeck))


# Modules Windows does not have. Hidden by a None entry in sys.modules, importing one raises ImportError.
_POSIX_ONLY = ("fcntl", "termios", "pwd", "grp", "resource")

_IMPORT_EVERYTHING = f"""
import sys
for name in {_POSIX_ONLY!r}:
    sys.modules[name] = None
import importlib, pkgutil
import leaderdeck.cli, leaderdeck.exchange, leaderdeck.progress
for package in (leaderdeck.progress, leaderdeck.exchange):  # the store, and what reads and writes it
    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(module.name)
print("imported")
"""


def test_the_store_imports_without_posix_only_modules():
    # A fresh interpreter: hiding fcntl must happen before anything could have imported it.
    result = subprocess.run([sys.executable, "-c", _IMPORT_EVERYTHING], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "imported"


def test_hiding_fcntl_in_sys_modules_is_what_windows_does(monkeypatch):
    monkeypatch.setitem(sys.modules, "fcntl", None)
    with pytest.raises(ImportError):
        import fcntl  # noqa: F401
