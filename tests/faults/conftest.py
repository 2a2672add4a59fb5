"""Fault tests: real processes, signals and damaged files. Bounded by default (CI); set
LEADERDECK_FAULTS_FULL=1 for the long run with more processes, kills and corpus files."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FULL = os.environ.get("LEADERDECK_FAULTS_FULL") == "1"


def scaled(bounded: int, full: int) -> int:
    return full if FULL else bounded


def python(script: str, *args: object, **kwargs) -> subprocess.Popen:
    """A child Python running `script` against this checkout's sources."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    return subprocess.Popen([sys.executable, "-c", script, *map(str, args)], cwd=ROOT, env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, **kwargs)


def finish(*processes: subprocess.Popen | None) -> None:
    """Kill what still runs and close every pipe."""
    for process in processes:
        if process is not None:
            if process.poll() is None:
                process.kill()
            process.communicate()


def checksums(path: Path) -> dict[str, str | None]:
    """sha256 of the store and its -wal. An empty -wal counts as none: SQLite ignores it, and a
    read-write connection makes one on its first read (-shm holds no data and is not compared)."""
    found = {}
    for file in (path, Path(f"{path}-wal")):
        data = file.read_bytes() if file.exists() else b""
        found[file.name] = hashlib.sha256(data).hexdigest() if data or file == path else None
    return found


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEADERDECK_HOME", str(tmp_path / "home"))
