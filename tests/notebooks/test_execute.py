"""Every generated notebook runs headless in a real kernel without errors (nbclient)."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from leaderdeck.course import find_lessons_dir, load_course
from leaderdeck.notebooks import write_notebooks

from .conftest import FIXTURE_LESSONS, execute_all

WIDGET = "application/vnd.jupyter.widget-view+json"
pytestmark = pytest.mark.timeout(300)


def built_project(lessons: Path, root: Path) -> Path:
    shutil.copytree(lessons, root / "lessons", ignore=shutil.ignore_patterns("schema"))
    write_notebooks(load_course(root / "lessons"), root)
    return root / "notebooks"


def quiz_outputs(book) -> list[dict]:
    return [output for cell in book.cells if cell.cell_type == "code" and "quiz(" in cell.source
            for output in cell.outputs]


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("LEADERDECK_HOME", str(tmp_path / "home"))
    return tmp_path


def test_fixture_notebooks_execute_and_display_a_quiz_per_concept(home):
    folder = built_project(FIXTURE_LESSONS, home / "project")
    paths = sorted(folder.glob("*.ipynb"))
    books = [(nbformat.read(path, as_version=4), folder) for path in paths]
    for path, book in zip(paths, execute_all(books), strict=True):
        outputs = quiz_outputs(book)
        assert all(output.output_type != "error" for cell in book.cells for output in cell.get("outputs", []))
        quizzes = sum(cell.source.count("quiz(") for cell in book.cells if cell.cell_type == "code")
        assert sum(WIDGET in output.get("data", {}) for output in outputs) == quizzes, path.name


@pytest.mark.slow
def test_the_shipped_course_notebooks_execute(home):
    folder = built_project(find_lessons_dir(Path(__file__).parent), home / "project")
    paths = sorted(folder.glob("*.ipynb"))
    assert len(paths) > 16
    books = [(nbformat.read(path, as_version=4), folder) for path in paths]
    for path, book in zip(paths, execute_all(books), strict=True):
        errors = [output for cell in book.cells for output in cell.get("outputs", []) if output.output_type == "error"]
        assert errors == [], f"{path.name}: {errors[:1]}"
