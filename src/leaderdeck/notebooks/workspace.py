"""The learner's copies of the course notebooks: `workspace/`, beside `notebooks/`, ignored by git.

`make lab` opens JupyterLab on `workspace/`, never on the tracked `notebooks/`, and refreshes it
from `notebooks/` each time it starts. So a `git pull` of a new course release changes no file
JupyterLab has open: JupyterLab raises its "File Changed" dialog when a save finds the file on
disk differs from the one the tab last loaded or saved (`Context._maybeSave` in
@jupyterlab/docregistry compares the contents' hash, else `last_modified` beyond
`lastModifiedCheckMargin`), and only the next `make lab` touches `workspace/`. Nothing the
learner saves can dirty the tree or conflict with a pull either.

A copy is replaced by the new release only if it is still exactly what was copied last time
(saves through `make lab`'s pre-save hook write the built bytes back, so a studied lesson still
is). A copy the learner edited is kept beside it as `NN-name (your edits).ipynb`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .compile import NOTEBOOKS_DIR

WORKSPACE_DIR = "workspace"
RECORD = ".leaderdeck-copies.json"  # name → sha256 of the bytes last copied in


def refresh(project: Path) -> list[str]:
    """Bring `project/workspace/` up to date with `project/notebooks/`; returns what it did."""
    source, target = project / NOTEBOOKS_DIR, project / WORKSPACE_DIR
    target.mkdir(exist_ok=True)
    record = _read_record(target)
    built = {path.name: path.read_bytes() for path in sorted(source.glob("*.ipynb"))}
    report = []
    for name, data in built.items():
        copy = target / name
        if copy.is_file() and copy.read_bytes() != data and _digest(copy.read_bytes()) != record.get(name):
            kept = _aside(copy)
            report.append(f"kept your edited {name} as {kept.name}")
        if not copy.is_file() or copy.read_bytes() != data:
            copy.write_bytes(data)
            report.append(f"updated {WORKSPACE_DIR}/{name}")
        record[name] = _digest(data)
    for name in sorted(set(record) - set(built)):  # a lesson removed from the course
        gone = target / name
        if gone.is_file() and _digest(gone.read_bytes()) == record[name]:
            gone.unlink()
            report.append(f"removed {WORKSPACE_DIR}/{name} (its lesson is gone)")
        del record[name]
    (target / RECORD).write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return report


def _read_record(folder: Path) -> dict[str, str]:
    try:
        data = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _aside(copy: Path) -> Path:
    for number in range(1, 1000):
        suffix = " (your edits)" if number == 1 else f" (your edits {number})"
        kept = copy.with_name(f"{copy.stem}{suffix}{copy.suffix}")
        if not kept.exists():
            copy.rename(kept)
            return kept
    raise FileExistsError(f"too many kept copies of {copy}")
