"""`leaderdeck new`: any title becomes a lesson that passes `check`, or gets a clear refusal."""

from __future__ import annotations

from pathlib import Path

import pytest

from leaderdeck.cli import main
from leaderdeck.course import load_course


def _new(course_dir: Path, title: str) -> int:
    return main(["new", title, "--lessons", str(course_dir)])


@pytest.mark.parametrize(("title", "lesson_id"), [
    ("ends with backslash\\", "ends-with-backslash"),
    ("C:\\new\\table", "c-new-table"),
    ('Say "no" to \\t tabs', "say-no-to-t-tabs"),
    ("東京の会議", "lesson-02"),
    ("Ηγεσία και εμπιστοσύνη", "lesson-02"),
    ("Café décisions", "cafe-decisions"),
    ("Yes", "yes"),
    ("2024", "2024"),
    ("a: b # not a comment", "a-b-not-a-comment"),
    ("- [x] {y} & *z* | 'q'", "x-y-z-q"),
    ("  padded  ", "padded"),
])
def test_any_title_becomes_a_lesson_that_passes_check(course_dir: Path, title: str, lesson_id: str):
    assert _new(course_dir, title) == 0
    course = load_course(course_dir)
    assert [lesson.id for lesson in course.lessons] == ["door-decisions", lesson_id]
    assert course.lesson(lesson_id).title == title.strip()
    assert main(["check", str(course_dir)]) == 0


def test_titles_without_latin_letters_get_numbered_ids_that_do_not_clash(course_dir: Path):
    assert _new(course_dir, "東京") == 0 and _new(course_dir, "大阪") == 0
    assert [lesson.id for lesson in load_course(course_dir).lessons] == ["door-decisions", "lesson-02", "lesson-03"]


@pytest.mark.parametrize("title", ["bell\a", "line\nbreak", "tab\there", "esc\x1b[31m", "nul\x00", "c1\x85",
                                   "rtl\u202eevil", "zero\u200bwidth", "   "])
def test_control_and_invisible_characters_are_refused_clearly(course_dir: Path, title: str,
                                                              capsys: pytest.CaptureFixture[str]):
    before = {p.name: p.read_bytes() for p in course_dir.iterdir() if p.is_file()}
    assert _new(course_dir, title) == 1
    error = capsys.readouterr().err
    assert ("character U+" in error or "title is empty" in error) and "Traceback" not in error
    assert {p.name: p.read_bytes() for p in course_dir.iterdir() if p.is_file()} == before


@pytest.mark.parametrize(("written", "expected"), [
    ("lessons: [door-decisions]\n", "lessons: [door-decisions, think-big]\n"),
    ("lessons: [door-decisions,]\n", "lessons: [door-decisions, think-big,]\n"),
    ("lessons: [\n  door-decisions,  # first\n]\n", "lessons: [\n  door-decisions, think-big,  # first\n]\n"),
    ("lessons: [ door-decisions ] # all\n", "lessons: [ door-decisions, think-big ] # all\n"),
    ("lessons:\n- door-decisions\n", "lessons:\n- door-decisions\n- think-big\n"),
    ("lessons:\n    - door-decisions  # first\n# end\n",
     "lessons:\n    - door-decisions  # first\n    - think-big\n# end\n"),
    ("lessons:\n  - door-decisions", "lessons:\n  - door-decisions\n  - think-big\n"),
])
def test_the_course_list_is_extended_in_its_own_style(course_dir: Path, written: str, expected: str):
    course_file = course_dir / "course.yaml"
    head = course_file.read_text(encoding="utf-8").split("lessons:")[0]
    course_file.write_text(head + written, encoding="utf-8")
    assert _new(course_dir, "Think Big") == 0
    assert course_file.read_text(encoding="utf-8") == head + expected
    assert main(["check", str(course_dir)]) == 0


def test_crlf_course_files_keep_their_line_ends(course_dir: Path):
    course_file = course_dir / "course.yaml"
    course_file.write_bytes(course_file.read_bytes().replace(b"\n", b"\r\n"))
    assert _new(course_dir, "Think Big") == 0
    text = course_file.read_bytes()
    assert text.endswith(b"  - door-decisions\r\n  - think-big\r\n") and b"\n" not in text.replace(b"\r\n", b"")
