"""The notebook compiler: deterministic, valid notebooks that read well without a kernel."""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import pytest

from leaderdeck.build import BuildOptions, build, stale_files
from leaderdeck.course import load_course
from leaderdeck.notebooks import cell_id, course_notebooks, lesson_notebook, start_notebook

from .conftest import FIXTURE_LESSONS

EXPECTED = Path(__file__).parent / "fixtures" / "expected"


def test_fixture_notebooks_match_the_committed_golden_files(course):
    """Golden files: regenerate on purpose with LEADERDECK_REGENERATE=1."""
    books = course_notebooks(course)
    if os.environ.get("LEADERDECK_REGENERATE"):
        EXPECTED.mkdir(exist_ok=True)
        for name, text in books.items():
            (EXPECTED / name).write_text(text, encoding="utf-8")
    assert sorted(books) == sorted(p.name for p in EXPECTED.glob("*.ipynb"))
    for name, text in books.items():
        assert text == (EXPECTED / name).read_text(encoding="utf-8"), name


def test_builds_are_byte_identical(course):
    assert course_notebooks(course) == course_notebooks(load_course(FIXTURE_LESSONS))


def test_notebooks_are_valid_with_stable_ids_no_outputs_and_a_python3_kernel(course):
    for name, text in course_notebooks(course).items():
        book = nbformat.reads(text, as_version=4)
        nbformat.validate(book)
        assert book.metadata.kernelspec.name == "python3", name
        ids = [cell.id for cell in book.cells]
        assert len(ids) == len(set(ids)), name
        for cell in book.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None
        assert "time" not in json.dumps(book.metadata)


def test_a_lesson_is_concepts_as_markdown_each_followed_by_a_one_line_quiz(course):
    book = nbformat.from_dict(lesson_notebook(course, course.lesson("doors")))
    layout = [(cell.cell_type, cell.id) for cell in book.cells]
    assert layout == [("markdown", "intro"), ("code", "setup"),
                      ("markdown", "concept-one-way"), ("code", "quiz-one-way"),
                      ("markdown", "concept-two-way"), ("code", "quiz-two-way"), ("markdown", "next")]
    assert book.cells[1].source == "import leaderdeck"
    assert book.cells[3].source == 'leaderdeck.quiz("doors", concept="one-way")'
    assert book.cells[2].source == ('## One-way doors\n\n<div class="ld-text"><p>A <strong>one-way door</strong> '
                                    'cannot be undone.</p></div>')
    assert "[A second lesson](02-second.ipynb)" in book.cells[-1].source


def test_concepts_without_questions_get_no_quiz_cell(course):
    book = nbformat.from_dict(lesson_notebook(course, course.lesson("second")))
    assert [cell.id for cell in book.cells if cell.cell_type == "code"] == ["setup", "quiz-idea"]
    assert "last lesson of the course" in book.cells[-1].source


def test_markdown_with_html_is_replaced_by_sanitized_html(course):
    book = nbformat.from_dict(lesson_notebook(course, course.lesson("doors")))
    two_way = next(cell for cell in book.cells if cell.id == "concept-two-way").source
    assert "<script>" not in two_way and "alert" not in two_way
    assert "<strong>two-way door</strong>" in two_way
    linked = nbformat.from_dict(lesson_notebook(course, course.lesson("second"))).cells[2].source
    assert '<a href="https://example.org" rel="noopener noreferrer">a link</a>' in linked


def test_the_start_page_links_every_lesson_and_explains_the_decks(course):
    book = nbformat.from_dict(start_notebook(course))
    text = "\n".join(cell.source for cell in book.cells)
    assert "1. [Doors](01-doors.ipynb)\n2. [A second lesson](02-second.ipynb)" in text
    assert "decks/fixture.apkg" in text and "leaderdeck serve" in text
    assert book.cells[0].source.startswith("# Fixture course")


def test_long_ids_are_cut_to_nbformats_limit_and_stay_unique():
    long_a, long_b = "a" * 70 + "-x", "a" * 70 + "-y"
    assert len(cell_id("concept", long_a)) == 64
    assert cell_id("concept", long_a) != cell_id("concept", long_b)
    assert cell_id("concept", "short") == "concept-short"


@pytest.fixture
def project(tmp_path):
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    for path in FIXTURE_LESSONS.glob("*.yaml"):
        (lessons / path.name).write_text(path.read_text())
    return tmp_path


def test_build_writes_notebooks_and_check_names_drift(project):
    course = load_course(project / "lessons")
    options = BuildOptions(now=1_700_000_000)
    build(course, options)
    assert sorted(p.name for p in (project / "notebooks").iterdir()) == [
        "00-start-here.ipynb", "01-doors.ipynb", "02-second.ipynb", "review.ipynb"]
    assert stale_files(course, options) == []
    (project / "notebooks" / "01-doors.ipynb").write_text("{}")
    assert stale_files(course, options) == [Path("notebooks/01-doors.ipynb")]


def test_build_removes_notebooks_of_removed_lessons(project):
    options = BuildOptions(now=1_700_000_000)
    build(load_course(project / "lessons"), options)
    (project / "notebooks" / "07-gone.ipynb").write_text("{}")
    (project / "notebooks" / "notes.ipynb").write_text("{}")
    lines = build(load_course(project / "lessons"), options)
    assert "removed notebooks/07-gone.ipynb (its lesson is gone)" in lines
    assert (project / "notebooks" / "notes.ipynb").exists()  # not a lesson notebook: left alone


def test_our_notebook_text_is_exactly_what_nbformat_writes(course):
    """cells.to_text avoids importing nbformat in the build; nbformat must agree with every byte."""
    from leaderdeck.notebooks.cells import to_text

    for book in (start_notebook(course), *(lesson_notebook(course, lesson) for lesson in course.lessons)):
        text = to_text(book)
        node = nbformat.reads(text, as_version=4)
        nbformat.validate(node)
        assert nbformat.writes(node, version=4) + "\n" == text


def test_an_invalid_notebook_is_refused_at_build_time():
    from leaderdeck.errors import LeaderdeckError
    from leaderdeck.notebooks.cells import markdown, notebook

    bad = markdown("x" * 70, "text")  # nbformat limits cell ids to 64 characters
    with pytest.raises(LeaderdeckError, match="not valid nbformat"):
        notebook([bad])
