"""A learner's notebook: each code cell runs on its own, and running, saving and pulling a new
course release never leaves a changed tracked file (the pre-save hook in `jupyter_hooks`)."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from leaderdeck.course import load_course
from leaderdeck.notebooks import write_notebooks
from leaderdeck.notebooks.jupyter_hooks import scrub
from leaderdeck.notebooks.lab import lab_options

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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=folder,
                          check=True, capture_output=True, text=True).stdout


def jupyter_env(root: Path) -> dict[str, str]:
    j = root / "jupyter"
    return {**os.environ, "JUPYTER_PLATFORM_DIRS": "1", "JUPYTER_CONFIG_DIR": str(j / "config"),
            "JUPYTER_DATA_DIR": str(j / "data"), "JUPYTER_RUNTIME_DIR": str(j / "runtime"),
            "JUPYTERLAB_SETTINGS_DIR": str(j / "settings"), "JUPYTERLAB_WORKSPACES_DIR": str(j / "workspaces"),
            "IPYTHONDIR": str(j / "ipython")}


def save_through_jupyter(clone: Path, name: str, book: nbformat.NotebookNode, scratch: Path) -> None:
    """Save as JupyterLab does: PUT the notebook to the server's contents API, with `make lab`'s options."""
    port, token = free_port(), secrets.token_hex(16)
    command = [sys.executable, "-m", "leaderdeck.notebooks.lab", "--no-browser", "--allow-root",
               "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
               f"--ServerApp.root_dir={clone}", f"--IdentityProvider.token={token}"]
    base = f"http://127.0.0.1:{port}"
    with (scratch / "lab.log").open("w") as log:
        server = subprocess.Popen(command, env=jupyter_env(scratch), stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait(f"{base}/api/status?token={token}", server)
            body = json.dumps({"type": "notebook", "format": "json", "content": json.loads(nbformat.writes(book))})
            request = urllib.request.Request(f"{base}/api/contents/notebooks/{name}?token={token}", method="PUT",
                                             data=body.encode(), headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=30) as response:
                assert response.status == 200
        finally:
            server.terminate()
            server.wait(timeout=20)


def _wait(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert server.poll() is None, "jupyter lab exited"
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.25)
    raise TimeoutError(url)


def test_the_lab_options_install_the_hook_and_open_the_start_page():
    options = lab_options()
    assert "--ContentsManager.pre_save_hook=leaderdeck.notebooks.jupyter_hooks.scrub" in options
    assert "--LabApp.default_url=/lab/tree/notebooks/00-start-here.ipynb" in options
    assert "--LabApp.news_url=None" in options


@pytest.mark.slow
def test_run_save_then_pull_a_new_release_is_clean(project, tmp_path):
    upstream = project
    shutil.copy(Path(__file__).parents[2] / ".gitignore", upstream)  # the project's own, as a clone has it
    leaderdeck(upstream, "build")  # the decks too: a release holds every generated file
    git(upstream, "init", "-q", "-b", "main")
    git(upstream, "add", "-A")
    git(upstream, "commit", "-q", "-m", "release 1")
    clone = tmp_path / "learner"
    git(tmp_path, "clone", "-q", str(upstream), str(clone))

    name = "01-doors.ipynb"
    book = execute(nbformat.read(clone / "notebooks" / name, as_version=4), clone / "notebooks")
    book.metadata.language_info["version"] = "3.11.7"  # as the kernel fills it in
    save_through_jupyter(clone, name, book, tmp_path)
    assert git(clone, "status", "--porcelain") == ""

    lesson = upstream / "lessons" / "01-doors.yaml"
    lesson.write_text(lesson.read_text().replace("cannot be undone.", "cannot be undone, ever."))
    leaderdeck(upstream, "build")
    git(upstream, "commit", "-q", "-am", "release 2: a concept rewritten")
    assert "notebooks/01-doors.ipynb" in git(upstream, "show", "--name-only", "HEAD")

    git(clone, "pull", "-q", "--no-rebase")
    assert git(clone, "status", "--porcelain") == ""
    assert "cannot be undone, ever." in (clone / "notebooks" / name).read_text()
    leaderdeck(clone, "build", "--check")


def leaderdeck(folder: Path, *args: str) -> None:
    run = subprocess.run([sys.executable, "-m", "leaderdeck", *args], cwd=folder, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
