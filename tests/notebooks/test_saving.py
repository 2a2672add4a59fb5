"""A learner's notebook: each code cell runs on its own, a save writes back the built bytes (the
pre-save hook in `jupyter_hooks`), and running, saving and pulling a new course release never
leaves a changed tracked file (the learner's copies live in `workspace/`)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from leaderdeck.course import load_course
from leaderdeck.notebooks import write_notebooks
from leaderdeck.notebooks.jupyter_hooks import scrub
from leaderdeck.notebooks.lab import lab_options
from leaderdeck.notebooks.workspace import WORKSPACE_DIR, refresh

from .conftest import FIXTURE_LESSONS, execute_all

pytestmark = pytest.mark.timeout(300)
WIDGET = "application/vnd.jupyter.widget-view+json"


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("LEADERDECK_HOME", str(tmp_path / "home"))
    shutil.copytree(FIXTURE_LESSONS, tmp_path / "course" / "lessons")
    write_notebooks(load_course(tmp_path / "course" / "lessons"), tmp_path / "course")
    return tmp_path / "course"


def execute(book: nbformat.NotebookNode, folder: Path) -> nbformat.NotebookNode:
    NotebookClient(book, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    return book


@pytest.mark.slow
def test_every_code_cell_runs_alone_in_a_fresh_kernel(project):
    """Resuming mid-lesson, or running only the start page's dashboard: no NameError."""
    folder = project / "notebooks"
    cells = [(path.name, cell) for path in sorted(folder.glob("*.ipynb"))
             for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]
    books = [(nbformat.v4.new_notebook(cells=[cell]), folder) for _, cell in cells]
    for (name, cell), book in zip(cells, execute_all(books), strict=True):
        alone = book.cells[0]
        errors = [o for o in alone.outputs if o.output_type == "error"]
        assert errors == [], f"{name} {cell.id}: {errors[:1]}"
        assert any(WIDGET in o.get("data", {}) or "text/html" in o.get("data", {}) for o in alone.outputs)


def test_saving_a_run_notebook_writes_back_the_built_bytes(project):
    path = project / "notebooks" / "01-doors.ipynb"
    built = path.read_text(encoding="utf-8")
    book = execute(nbformat.reads(built, as_version=4), path.parent)
    assert any(WIDGET in o.get("data", {}) for cell in book.cells for o in cell.get("outputs", []))
    book.cells.append(nbformat.v4.new_code_cell(""))  # Shift+Enter on the last cell adds one
    book.cells[1].metadata["jp-MarkdownHeadingCollapsed"] = True
    book.metadata.language_info["version"] = "3.99.0"
    model = {"type": "notebook", "content": json.loads(nbformat.writes(book))}
    scrub(model, path="notebooks/01-doors.ipynb", contents_manager=None)
    assert nbformat.writes(nbformat.from_dict(model["content"])) + "\n" == built


def test_a_notebook_not_built_by_leaderdeck_is_saved_untouched(project):
    book = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1", execution_count=3)])
    model = {"type": "notebook", "content": json.loads(nbformat.writes(book))}
    before = json.dumps(model, sort_keys=True)
    scrub(model)
    assert json.dumps(model, sort_keys=True) == before


def test_the_lab_options_install_the_hook_and_open_the_start_page():
    options = lab_options()
    assert "--ContentsManager.pre_save_hook=leaderdeck.notebooks.jupyter_hooks.scrub" in options
    assert "--LabApp.default_url=/lab/tree/workspace/00-start-here.ipynb" in options
    assert "--LabApp.news_url=None" in options


def git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=folder,
                          check=True, capture_output=True, text=True).stdout


def save_as_jupyter_does(path: Path, book: nbformat.NotebookNode) -> None:
    """What `make lab`'s JupyterLab writes on a save: the pre-save hook, then the contents manager."""
    model = {"type": "notebook", "content": json.loads(nbformat.writes(book))}
    scrub(model, path=str(path), contents_manager=None)
    nbformat.write(nbformat.from_dict(model["content"]), path)


@pytest.mark.slow
def test_run_save_then_pull_a_new_release_is_clean(project, tmp_path):
    """The learner studies in workspace/ (ignored by git); a pull changes notebooks/ only, and the
    next `make lab` brings the new release into the workspace (the JupyterLab side, with the lesson
    open across the pull: tests/browser/test_app_lab.py)."""
    upstream = project
    shutil.copy(Path(__file__).parents[2] / ".gitignore", upstream)  # the project's own, as a clone has it
    leaderdeck(upstream, "build")  # the decks too: a release holds every generated file
    git(upstream, "init", "-q", "-b", "main")
    git(upstream, "add", "-A")
    git(upstream, "commit", "-q", "-m", "release 1")
    clone = tmp_path / "learner"
    git(tmp_path, "clone", "-q", str(upstream), str(clone))

    assert refresh(clone)
    name = "01-doors.ipynb"
    studied = clone / WORKSPACE_DIR / name
    save_as_jupyter_does(studied, execute(nbformat.read(studied, as_version=4), studied.parent))
    edited = clone / WORKSPACE_DIR / "02-second.ipynb"
    edited.write_text(edited.read_text().replace("A second lesson", "A second lesson (my notes)"))
    assert git(clone, "status", "--porcelain") == ""

    for lesson_file, old, new in (("01-doors.yaml", "cannot be undone.", "cannot be undone, ever."),
                                  ("02-second.yaml", "title: A second lesson", "title: A 2nd lesson")):
        lesson = upstream / "lessons" / lesson_file
        lesson.write_text(lesson.read_text().replace(old, new))
    leaderdeck(upstream, "build")
    git(upstream, "commit", "-q", "-am", "release 2: a concept rewritten")
    git(clone, "pull", "-q", "--no-rebase")
    assert git(clone, "status", "--porcelain") == ""
    leaderdeck(clone, "build", "--check")
    assert "cannot be undone, ever." not in studied.read_text()  # a pull never touches the workspace

    report = refresh(clone)
    assert "cannot be undone, ever." in studied.read_text()
    assert studied.read_bytes() == (clone / "notebooks" / name).read_bytes()
    assert edited.read_bytes() == (clone / "notebooks" / edited.name).read_bytes()
    kept = clone / WORKSPACE_DIR / "02-second (your edits).ipynb"
    assert "A second lesson (my notes)" in kept.read_text()
    assert f"kept your edited {edited.name} as {kept.name}" in report
    assert refresh(clone) == []  # nothing more to do
    assert git(clone, "status", "--porcelain") == ""


def leaderdeck(folder: Path, *args: str) -> None:
    run = subprocess.run([sys.executable, "-m", "leaderdeck", *args], cwd=folder, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
