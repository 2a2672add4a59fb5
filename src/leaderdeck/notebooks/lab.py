"""`make lab`: JupyterLab on the course, opening the start page, saving notebooks as built.

`python -m leaderdeck.notebooks.lab [JUPYTER OPTIONS]` refreshes the learner's `workspace/` from
`notebooks/` (see `workspace`), then runs `jupyter lab` with `lab_options()` first, so options
given after them (a port, `--allow-root`) win.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from .compile import START_PAGE
from .jupyter_hooks import HOOK
from .workspace import WORKSPACE_DIR, refresh


def lab_options() -> list[str]:
    """The printed URL opens the start page in the learner's workspace; no news prompt or update
    check greets a learner; saving a generated notebook writes its built bytes (`jupyter_hooks`)."""
    return [f"--ContentsManager.pre_save_hook={HOOK}",
            f"--LabApp.default_url=/lab/tree/{WORKSPACE_DIR}/{START_PAGE}",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]


def main(argv: Sequence[str] | None = None) -> int:
    from ..course import find_lessons_dir
    from ..errors import LeaderdeckError

    args = list(sys.argv[1:] if argv is None else argv)
    try:
        report = refresh(find_lessons_dir().parent)
    except LeaderdeckError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for line in report:
        print(line, flush=True)
    command = [sys.executable, "-m", "jupyterlab", *lab_options(), *args]
    os.execv(sys.executable, command)
    return 0  # not reached: execv replaces this process


if __name__ == "__main__":
    raise SystemExit(main())
