"""The fast path (yaml-rs, no positions) may only ever say "valid" where the loader with positions
(PyYAML, the authority) says the same and reads the same data.

It is free to decline (return None) on anything: the positional loader then decides. So every
test here checks one direction: whatever the fast path accepts, the slow path accepts identically.
The random inputs are in test_properties.py, which checks this for every input it makes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from leaderdeck import course as course_module
from leaderdeck.course import load_course
from leaderdeck.load import load_plain, load_yaml
from leaderdeck.validate import validate_lesson_quickly

HERE = Path(__file__).parent
REPO = HERE.parent.parent
BAD = HERE / "bad"
SHIPPED = sorted((REPO / "lessons").glob("*.yaml"))
KNOWN_SOURCES = {"amazon-leadership-principles.txt", "one-way-two-way-doors.txt", "fixture.txt"}


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_files_take_the_fast_path_and_read_the_same(path: Path):
    data = load_plain(path)
    assert data is not None, "a shipped lesson fell off the fast path: find which check declined it"
    assert data == load_yaml(path).data


def test_the_shipped_course_is_the_same_either_way():
    lessons_dir = REPO / "lessons"
    quick = course_module._load_valid_course_quickly(lessons_dir)
    assert quick is not None and quick == course_module._load_course_with_positions(lessons_dir)


CASES = sorted(p for p in BAD.glob("*.yaml") if p.name != "course.yaml")


@pytest.mark.parametrize("case", CASES, ids=[p.stem for p in CASES])
def test_the_fast_path_accepts_no_bad_lesson(case: Path):
    data = load_plain(case)
    assert data is None or validate_lesson_quickly(data, KNOWN_SOURCES, BAD) is None


def test_a_problem_anywhere_gets_the_positional_messages(course_dir: Path):
    lesson = next(course_dir.glob("0*.yaml"))
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("kind: choice", "kind: choise", 1), encoding="utf-8")
    with pytest.raises(Exception) as raised:
        load_course(course_dir)
    assert f"{lesson.name}:" in str(raised.value) and "did you mean 'choice'" in str(raised.value)


@pytest.mark.parametrize("text", [
    "a: &x 1\nb: *x\n", "a: !!str 1\n", "a: b\n---\nc: d\n", "%YAML 1.1\n---\na: b\n", "a:\tb\n",
    "a: b\r\nc: d\r\n", "a: b\u2028c\n", "a: \x07\n", "a: b\na: c\n", "- a\n", "a: '  '\n", "a: ''\n",
])
def test_the_fast_path_declines_what_it_cannot_read_like_pyyaml(tmp_path: Path, text: str):
    path = tmp_path / "lesson.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_plain(path) is None


@pytest.mark.parametrize("word", ["yes", "No", "on", "OFF", "1:30", "0o17", "017", "=", "<<", "2024-01-01", "1_000"])
def test_words_yaml_1_1_reads_as_other_types_leave_the_fast_path(tmp_path: Path, word: str):
    path = tmp_path / "lesson.yaml"
    path.write_text(f"a: {word}\nb: '{word}'\n", encoding="utf-8")
    assert load_plain(path) is None
