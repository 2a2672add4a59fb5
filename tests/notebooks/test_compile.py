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


def test_notebooks_are_valid_with_stable_ids_resting_notes_and_a_python3_kernel(course):
    for name, text in course_notebooks(course).items():
        book = nbformat.reads(text, as_version=4)
        nbformat.validate(book)
        assert book.metadata.kernelspec.name == "python3", name
        assert book.metadata.leaderdeck == {"generated": True}
        ids = [cell.id for cell in book.cells]
        assert len(ids) == len(set(ids)), name
        for cell in book.cells:
            if cell.cell_type == "code":
                assert cell.execution_count is None
                [note] = cell.outputs  # a plain note, never a widget: it shows without a kernel
                assert note.output_type == "display_data" and set(note.data) == {"text/html", "text/plain"}
                assert "Run this cell" in note.data["text/plain"]
        assert "time" not in json.dumps(book.metadata)


def test_language_info_is_what_the_kernel_fills_in_except_its_version(course):
    """Opening a notebook must change as little as possible: ipykernel's language_info, minus the
    Python version (which differs between machines and would make builds differ)."""
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3")
    try:
        filled = client.kernel_info(reply=True, timeout=30)["content"]["language_info"]
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    book = nbformat.reads(course_notebooks(course)["01-doors.ipynb"], as_version=4)
    assert book.metadata.language_info == {k: v for k, v in filled.items() if k != "version"}


def test_every_code_cell_is_a_sentence_that_imports_what_it_calls(course):
    for name, text in course_notebooks(course).items():
        for cell in nbformat.reads(text, as_version=4).cells:
            if cell.cell_type == "code":
                first, call = cell.source.splitlines()
                function = call.split("(")[0]
                assert first == f"from leaderdeck import {function}", (name, cell.source)


def test_a_lesson_is_concepts_as_markdown_each_followed_by_a_one_line_quiz(course):
    book = nbformat.from_dict(lesson_notebook(course, course.lesson("doors")))
    layout = [(cell.cell_type, cell.id) for cell in book.cells]
    assert layout == [("markdown", "intro"),
                      ("markdown", "concept-one-way"), ("code", "quiz-one-way"),
                      ("markdown", "concept-two-way"), ("code", "quiz-two-way"), ("markdown", "next")]
    assert book.cells[2].source == 'from leaderdeck import quiz\nquiz("doors", concept="one-way")'
    assert book.cells[1].source == ('## One-way doors\n\n<div class="ld-text"><p>A <strong>one-way door</strong> '
                                    'cannot be undone.</p></div>')
    assert "Next: [A second lesson](02-second.ipynb)" in book.cells[-1].source


def test_lessons_link_to_the_previous_and_next_lesson_and_the_contents(course):
    first = nbformat.from_dict(lesson_notebook(course, course.lesson("doors")))
    second = nbformat.from_dict(lesson_notebook(course, course.lesson("second")))
    assert first.cells[0].source.startswith("Lesson 1 of 2 · [Contents](00-start-here.ipynb) · "
                                            "Next: [A second lesson](02-second.ipynb) →\n")
    assert second.cells[0].source.startswith("Lesson 2 of 2 · ← Previous: [Doors](01-doors.ipynb) · "
                                             "[Contents](00-start-here.ipynb)\n")
    assert first.cells[-1].source.endswith(first.cells[0].source.splitlines()[0])


JUPYTER_WORDS = ("shift+enter", "run the cell", "run this cell", "run it", "run all", "kernel", "jupyter",
                 "leaderdeck serve", "notebook", "cell")


def test_text_outside_lab_only_hints_has_no_jupyter_words(course):
    """The app (Voila) hides `.ld-lab-only` and never shows saved outputs: everything else a
    learner reads there must make sense without knowing Jupyter."""
    import re

    for name, text in course_notebooks(course).items():
        for cell in nbformat.reads(text, as_version=4).cells:
            if cell.cell_type == "markdown":
                # author text (`ld-text`) is the author's business; the rest is ours
                shown = re.sub(r'<(span|div) class="ld-(lab-only|text)">.*?</\1>', "", cell.source, flags=re.S)
                shown = re.sub(r"\]\([^)]*\)", "]", shown)  # link targets are not read
                found = [word for word in JUPYTER_WORDS if word in shown.lower()]
                assert found == [], (name, cell.id, found)


def test_concepts_without_questions_get_no_quiz_cell(course):
    book = nbformat.from_dict(lesson_notebook(course, course.lesson("second")))
    assert [cell.id for cell in book.cells if cell.cell_type == "code"] == ["quiz-idea"]
    assert "last lesson of the course" in book.cells[-1].source


def test_markdown_with_html_is_replaced_by_sanitized_html(course):
    book = nbformat.from_dict(lesson_notebook(course, course.lesson("doors")))
    two_way = next(cell for cell in book.cells if cell.id == "concept-two-way").source
    assert "<script>" not in two_way and "alert" not in two_way
    assert "<strong>two-way door</strong>" in two_way
    linked = nbformat.from_dict(lesson_notebook(course, course.lesson("second"))).cells[1].source
    assert '<a href="https://example.org" rel="noopener noreferrer">a link</a>' in linked


def test_the_start_page_links_every_lesson_and_explains_the_decks(course):
    book = nbformat.from_dict(start_notebook(course))
    text = "\n".join(cell.source for cell in book.cells)
    assert '<li><a href="01-doors.ipynb">Doors</a></li><li><a href="02-second.ipynb">A second lesson</a></li>' in text
    assert "decks/fixture.apkg" in text and "leaderdeck serve" in text
    assert "[today's review](review.ipynb)" in text
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
