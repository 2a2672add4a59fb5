"""The review notebook and the start page's dashboard run in a real kernel (nbclient)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("name", "expected"), [
    ("review.ipynb", "20 due now (20 new)"),
    ("00-start-here.ipynb", "Cards due on each of the next 14 days"),
])
def test_notebook_runs_against_an_empty_store(name, expected, home, monkeypatch):
    monkeypatch.chdir(ROOT / "notebooks")
    book = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    resources = {"metadata": {"path": str(ROOT / "notebooks")}}
    NotebookClient(book, timeout=120, kernel_name="python3", resources=resources).execute()
    outputs = str([cell.get("outputs") for cell in book.cells if cell.cell_type == "code"])
    assert "Traceback" not in outputs and "Error" not in outputs
    widget_state = str(book.metadata.get("widgets", {}))  # what the widgets displayed, saved by nbclient
    assert expected in outputs or expected in widget_state
    assert (home / "progress.sqlite3").is_file()
