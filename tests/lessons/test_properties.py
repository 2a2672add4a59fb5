"""Property tests: whatever bytes an author saves, the loader returns a lesson or raises LessonError;
and the fast path (yaml-rs, no positions) only ever accepts what the positional loader accepts,
reading the same data (see also test_fast_path.py)."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leaderdeck.course import check_files
from leaderdeck.errors import LessonError
from leaderdeck.load import load_plain, load_yaml
from leaderdeck.model import Lesson
from leaderdeck.validate import validate_lesson, validate_lesson_quickly

FIXTURE = Path(__file__).parent / "fixture"
VALID = (FIXTURE / "01-door-decisions.yaml").read_text(encoding="utf-8")
COURSE = (FIXTURE / "course.yaml").read_text(encoding="utf-8")
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Scalars include words YAML 1.1 and 1.2 read differently (yes, 1:20, 0x1f...), for the fast path.
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20),
                    st.sampled_from(["yes", "no", "on", "off", "~", "null", "1:20", "0x1f", "1e3", ".5", "+1", "=",
                                     "2001-12-14 21:59:43.10 -5", "a # b", "'q'", '"d"', "\\n", "é", "—", " "]))
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.sampled_from(["id", "kind", "items", "front", "text", "options", "correct",
                                         "concepts", "title", "steps", "x", "yes", "1"]), children, max_size=5),
    ),
    max_leaves=25,
)
styles = st.sampled_from([{}, {"default_flow_style": True}, {"default_style": '"'}, {"default_style": "|"},
                          {"default_style": "'"}, {"allow_unicode": True}])


def _check(tmp_path: Path, text: str | bytes) -> None:
    (tmp_path / "course.yaml").write_text(COURSE, encoding="utf-8")
    lesson = tmp_path / "lesson.yaml"
    lesson.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    try:
        lessons = check_files([lesson])
    except LessonError as error:
        assert error.problems, "a LessonError always carries at least one problem"
        for problem in error.problems:
            assert problem.line >= 1 and problem.column >= 1 and problem.message
    else:
        assert len(lessons) == 1 and isinstance(lessons[0], Lesson)
    _fast_path_agrees(lesson, {"000_d2a678475de70dfb.txt"})


def _fast_path_agrees(path: Path, sources: set[str]) -> None:
    data = load_plain(path)
    if data is None:
        return  # declined: the positional loader decides, as checked above
    slow = load_yaml(path)
    assert not slow.problems and slow.data == data
    lesson = validate_lesson_quickly(data, sources, path.parent)
    if lesson is not None:
        assert validate_lesson(slow, sources, path.parent) == lesson and not slow.problems


@SETTINGS
@given(documents, styles)
def test_random_yaml_documents(tmp_path_factory, document, style):
    _check(tmp_path_factory.mktemp("doc"), yaml.safe_dump(document, **style))


@SETTINGS
@given(st.binary(max_size=300))
def test_random_bytes(tmp_path_factory, data):
    _check(tmp_path_factory.mktemp("bytes"), data)


@SETTINGS
@given(st.integers(0, len(VALID) - 1), st.integers(0, 40), st.text(max_size=8))
def test_mutated_valid_lesson(tmp_path_factory, start, length, replacement):
    """Cut a slice out of a real lesson and splice in random text."""
    _check(tmp_path_factory.mktemp("mutant"), VALID[:start] + replacement + VALID[start + length:])


@SETTINGS
@given(st.lists(st.sampled_from(VALID.splitlines()), min_size=1, max_size=40))
def test_shuffled_lines_of_a_valid_lesson(tmp_path_factory, lines):
    _check(tmp_path_factory.mktemp("lines"), "\n".join(lines) + "\n")


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("{}c12:a \n")), max_size=40))
def test_cloze_card_numbers_are_the_deletions_numbers(text):
    from leaderdeck.model import _CLOZE_NUMBER, CLOZE_PATTERN

    assert _CLOZE_NUMBER.findall(text) == [match.group(1) for match in CLOZE_PATTERN.finditer(text)]
