"""`leaderdeck serve`: the course notebooks as a web app (Voila), for learners who want no code.

Voila runs each notebook in its own kernel and shows only Markdown and outputs: code cells are
stripped (`strip_sources`, on by default, is set explicitly so a user config cannot turn it off).
The app uses our Voila template (`share/voila/templates/leaderdeck`): its root opens the start
page instead of a file list, nothing is fetched from the internet, prose keeps a readable width
and hints meant for JupyterLab are hidden. Lesson pages run in pre-heated kernels, so a quiz
shows as soon as the page does; the start page and the review always run fresh, since they show
the learner's progress as it is now.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ..errors import LeaderdeckError
from .compile import NOTEBOOKS_DIR, REVIEW_PAGE, START_PAGE

TEMPLATE = "leaderdeck"
SHARE = Path(__file__).parent / "share"  # a Jupyter data folder holding the template
POOL_SIZE = 1  # kept-warm kernels per lesson page


def notebooks_dir(lessons_dir: Path | None = None) -> Path:
    """`notebooks/` beside the course's `lessons/`, which must already be built."""
    from ..course import find_lessons_dir

    folder = find_lessons_dir(lessons_dir).parent / NOTEBOOKS_DIR
    if not (folder / START_PAGE).is_file():
        raise LeaderdeckError(f"no {NOTEBOOKS_DIR}/{START_PAGE} in {folder.parent}: run `leaderdeck build` first")
    return folder


def voila_command(folder: Path, port: int, *, open_browser: bool, theme: str) -> list[str]:
    fresh = [START_PAGE, REVIEW_PAGE, r"\.ipynb_checkpoints"]
    command = [sys.executable, "-m", "leaderdeck.notebooks.serve", str(folder), f"--port={port}",
               f"--theme={theme}", f"--template={TEMPLATE}", "--strip_sources=True", "--Voila.ip=127.0.0.1",
               "--VoilaConfiguration.show_tracebacks=False", "--preheat_kernel=True", f"--pool_size={POOL_SIZE}",
               f"--VoilaKernelManager.preheat_denylist={fresh!r}"]
    return command + ([] if open_browser else ["--no-browser"])


def serve(lessons_dir: Path | None = None, *, port: int = 8866, open_browser: bool = True,
          theme: str = "light") -> int:
    """Run Voila on the course until interrupted; returns its exit code."""
    folder = notebooks_dir(lessons_dir)
    print(f"serving {folder} at http://127.0.0.1:{port}/ (Ctrl+C stops)", flush=True)
    return subprocess.run(voila_command(folder, port, open_browser=open_browser, theme=theme), check=False).returncode


def main(argv: list[str] | None = None) -> int:
    """Voila with our template on its search path (`python -m leaderdeck.notebooks.serve ARGS`)."""
    from voila.app import main as voila

    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(SHARE), os.environ.get("JUPYTER_PATH")]))
    sys.argv = ["voila", *(sys.argv[1:] if argv is None else argv)]
    return voila() or 0


if __name__ == "__main__":
    raise SystemExit(main())
