"""Deterministic notebook building blocks: cells with stable ids, no outputs, no timestamps.

Every notebook the project writes goes through `notebook()` and `to_text()`, which validate it
against nbformat's own JSON Schema as they build, so a bad notebook fails the build and never
reaches a learner. The schema file is read from the installed nbformat without importing it:
`import nbformat` pulls in jsonschema's format checkers, which take seconds to import, and a
no-op build must stay well under a second. Tests check the output with nbformat itself.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import LeaderdeckError
from ..markdown import render

NotebookNode = dict[str, Any]
NBFORMAT, NBFORMAT_MINOR = 4, 5

_MAX_ID = 64  # nbformat's limit for cell ids
_IMAGE_SRC = re.compile(r'(<img\b[^>]*\bsrc=")(?![a-z]+:|/)([^"]*)"')

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
# What ipykernel fills in, so a kernel starting adds as little as it can; only its Python
# `version` differs between machines and is left out (a save puts this back, see `jupyter_hooks`).
LANGUAGE_INFO = {"codemirror_mode": {"name": "ipython", "version": 3}, "file_extension": ".py",
                 "mimetype": "text/x-python", "name": "python", "nbconvert_exporter": "python",
                 "pygments_lexer": "ipython3"}
# Marks a notebook as ours: the pre-save hook turns a saved copy of it back into these bytes.
GENERATED = {"generated": True}


def cell_id(prefix: str, slug: str = "") -> str:
    """A stable cell id from authored ids; long ones keep a readable head and a short hash."""
    full = f"{prefix}-{slug}" if slug else prefix
    if len(full) <= _MAX_ID:
        return full
    digest = hashlib.sha256(full.encode()).hexdigest()[:8]
    return f"{full[:_MAX_ID - 9]}-{digest}"


def markdown(cell: str, source: str) -> NotebookNode:
    return {"cell_type": "markdown", "id": cell, "metadata": {}, "source": source.strip()}


def code(cell: str, source: str) -> NotebookNode:
    """A code cell whose saved output is `resting_output(cell)`: what a notebook shows before the
    cell runs, or after its kernel has gone (never a widget that no longer exists)."""
    return {"cell_type": "code", "execution_count": None, "id": cell, "metadata": {},
            "outputs": resting_output(cell), "source": source.strip()}


# Shown only where a saved notebook is opened without running it (JupyterLab, a notebook
# viewer): Voila runs every cell before it shows the page, so these words never reach the app.
_RESTING = {
    "quiz": "Run this cell (Shift+Enter) to start the quiz. Every answer you gave before is saved "
            "in your progress.",
    "dashboard": "Run this cell (Shift+Enter) to see your progress in each lesson and what is due.",
    "review": "Run this cell (Shift+Enter) to start today's review.",
}


def resting_output(cell: str) -> list[NotebookNode]:
    """The saved output of the code cell with this id: a short note for known cells, else none."""
    note = _RESTING.get(cell.split("-", 1)[0])
    if note is None:
        return []
    return [{"data": {"text/html": f'<p class="ld-resting">{note}</p>', "text/plain": note},
             "metadata": {}, "output_type": "display_data"}]


def notebook(cells: list[NotebookNode]) -> NotebookNode:
    metadata = {"kernelspec": KERNELSPEC, "language_info": LANGUAGE_INFO, "leaderdeck": GENERATED}
    book = {"cells": cells, "metadata": metadata, "nbformat": NBFORMAT, "nbformat_minor": NBFORMAT_MINOR}
    errors = [f"{'/'.join(map(str, e.instance_path))}: {e.message}" for e in _validator().iter_errors(book)]
    if errors:
        raise LeaderdeckError("generated notebook is not valid nbformat 4.5: " + "; ".join(errors[:5]))
    return book


def to_text(book: NotebookNode) -> str:
    """The file's exact bytes, as nbformat writes them: sources as lists of lines, sorted keys,
    one-space indent, one trailing newline (a test holds this equal to `nbformat.writes`)."""
    on_disk = {**book, "cells": [_on_disk(c) for c in book["cells"]]}
    return json.dumps(on_disk, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def _on_disk(cell: NotebookNode) -> NotebookNode:
    """nbformat's multi-line strings: sources and text outputs as lists of lines."""
    lines = {"source": cell["source"].splitlines(keepends=True)}
    if cell.get("outputs"):
        lines["outputs"] = [{**o, "data": {k: v.splitlines(keepends=True) for k, v in o["data"].items()}}
                            for o in cell["outputs"]]
    return {**cell, **lines}


@lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema_rs

    spec = importlib.util.find_spec("nbformat")
    assert spec is not None and spec.submodule_search_locations is not None  # a dependency of ours
    folder = Path(next(iter(spec.submodule_search_locations)))
    schema = json.loads((folder / "v4" / f"nbformat.v4.{NBFORMAT_MINOR}.schema.json").read_text(encoding="utf-8"))
    return jsonschema_rs.validator_for(schema)


def lesson_markdown(text: str, media_prefix: str = "../lessons/") -> str:
    """Author Markdown for a Markdown cell: `leaderdeck.markdown.render`'s sanitized HTML, with
    image paths made relative to the notebooks folder, as one HTML block on one line.

    Never the author's Markdown itself: notebook viewers render Markdown cells with their own
    reader, and Voila does not sanitize the result. One line, because a Markdown reader ends an
    HTML block at a blank line and reads what follows as Markdown again (a `<pre>` with a blank
    line in it would let `[x](javascript:…)` through): line breaks are written as character
    references, which show the same in HTML and are never Markdown syntax.
    """
    html = _IMAGE_SRC.sub(lambda m: f'{m.group(1)}{media_prefix}{m.group(2)}"', render(text))
    return f'<div class="ld-text">{_LINE_BREAKS.sub(lambda m: f"&#{ord(m.group(0))};", html)}</div>'


_LINE_BREAKS = re.compile(r"[\n\r\x85\u2028\u2029]")
