"""`leaderdeck serve`: the course notebooks as a web app (Voila), for learners who want no code.

Voila runs each notebook in its own kernel and shows only Markdown and outputs: code cells are
stripped (`strip_sources`, on by default, is set explicitly so a user config cannot turn it off).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ..errors import LeaderdeckError
from .compile import NOTEBOOKS_DIR, START_PAGE


def notebooks_dir(lessons_dir: Path | None = None) -> Path:
    """`notebooks/` beside the course's `lessons/`, which must already be built."""
    from ..course import find_lessons_dir

    folder = find_lessons_dir(lessons_dir).parent / NOTEBOOKS_DIR
    if not (folder / START_PAGE).is_file():
        raise LeaderdeckError(f"no {NOTEBOOKS_DIR}/{START_PAGE} in {folder.parent}: run `leaderdeck build` first")
    return folder


def voila_command(folder: Path, port: int, *, open_browser: bool, theme: str) -> list[str]:
    command = [sys.executable, "-m", "voila", str(folder), f"--port={port}", f"--theme={theme}",
               "--strip_sources=True", "--Voila.ip=127.0.0.1", "--VoilaConfiguration.show_tracebacks=False"]
    return command + ([] if open_browser else ["--no-browser"])


def serve(lessons_dir: Path | None = None, *, port: int = 8866, open_browser: bool = True,
          theme: str = "light") -> int:
    """Run Voila on the course until interrupted; returns its exit code."""
    folder = notebooks_dir(lessons_dir)
    print(f"serving {folder} at http://127.0.0.1:{port}/voila/render/{START_PAGE} (Ctrl+C stops)", flush=True)
    return subprocess.run(voila_command(folder, port, open_browser=open_browser, theme=theme), check=False).returncode
