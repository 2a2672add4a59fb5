"""`make lab`: JupyterLab on the course, opening the start page, saving notebooks as built.

`python -m leaderdeck.notebooks.lab [JUPYTER OPTIONS]` runs `jupyter lab` with `lab_options()`
first, so options given after them (a port, `--allow-root`) win.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from .compile import NOTEBOOKS_DIR, START_PAGE
from .jupyter_hooks import HOOK


def lab_options() -> list[str]:
    """The printed URL opens the start page; no news prompt or update check greets a learner;
    saving a generated notebook writes its built bytes (see `jupyter_hooks`)."""
    return [f"--ContentsManager.pre_save_hook={HOOK}",
            f"--LabApp.default_url=/lab/tree/{NOTEBOOKS_DIR}/{START_PAGE}",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    command = [sys.executable, "-m", "jupyterlab", *lab_options(), *args]
    os.execv(sys.executable, command)
    return 0  # not reached: execv replaces this process


if __name__ == "__main__":
    raise SystemExit(main())
