"""Property tests: whatever bytes an author saves, `check` returns a lesson or raises LessonError
(never another exception, never a hang), with every problem placed inside the file. The mutation
operators are the ones that once found crashes: deep nesting, dates and other typed scalars,
escaped control characters, truncation, and odd cloze numbers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leaderdeck.course import check_files
from leaderdeck.errors import LessonError, Problem
from leaderdeck.load import load_yaml
from leaderdeck.model import Lesson

FIXTURE = Path(__file__).parent / "fixture"
SHIPPED = Path(__file__).parents[2] / "lessons"
VALID = (FIXTURE / "01-door-decisions.yaml").read_text(encoding="utf-8")
COURSE = (FIXTURE / "course.yaml").read_text(encoding="utf-8")
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
MUTATIONS = settings(SETTINGS, max_examples=60)
pytestmark = pytest.mark.timeout(300)  # a hang fails the test rather than the suite

# Scalars include words YAML reads as other types (yes, 1:20, 0x1f, dates...).
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


def _check(tmp_path: Path, text: str | bytes) -> tuple[Problem, ...]:
    (tmp_path / "course.yaml").write_text(COURSE, encoding="utf-8")
    lesson = tmp_path / "lesson.yaml"
    lesson.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    try:
        lessons = check_files([lesson])
    except LessonError as error:
        problems = error.problems
    else:
        assert len(lessons) == 1 and isinstance(lessons[0], Lesson)
        return ()
    assert problems, "a LessonError always carries at least one problem"
    line_count = max(len(text.splitlines()), 1)
    for problem in problems:
        assert problem.line >= 1 and problem.column >= 1 and problem.message
        assert problem.line <= line_count, f"{problem} is past the end of the file"
    return problems


@SETTINGS
@given(documents, styles)
def test_random_yaml_documents(tmp_path_factory, document, style):
    folder = tmp_path_factory.mktemp("doc")
    text = yaml.safe_dump(document, **style)
    _check(folder, text)
    loaded = load_yaml(folder / "lesson.yaml")
    if not loaded.problems:  # the event builder reads what PyYAML's own constructor reads
        assert loaded.data == yaml.safe_load(text)


@pytest.mark.parametrize("path", sorted(SHIPPED.glob("*.yaml")), ids=lambda path: path.name)
def test_shipped_lessons_read_as_pyyaml_reads_them(path: Path):
    loaded = load_yaml(path)
    assert not loaded.problems and loaded.data == yaml.safe_load(path.read_text(encoding="utf-8"))


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


# --- mutation operators that once crashed or hid problems -------------------------------------

_LINES = VALID.splitlines(keepends=True)
_VALUE_LINES = [i for i, line in enumerate(_LINES)
                if re.match(r"\s*(- )?[a-z_]+: ", line) and not line.rstrip().endswith((":", "|", ">"))]
_TYPED = ["2024-01-01", "2001-12-14t21:59:43.10-05:00", "!!binary aGVsbG8=", "!!set {a, b}", "!!omap [a: 1]",
          "!!python/object:os.system x", "1" + "0" * 5000, "0x1f", ".inf", "~", "[flashcard]", "{a: b}", "&a x",
          "*a", "<<", "=", "!x y"]
_ESCAPES = ["\\x1f", "\\e", "\\a", "\\0", "\\x85", "\\u202E", "\\u2066", "\\x9b", "\\t", "\\r", "\\N"]
_CLOZES = ["{{c0::a}}", "{{c1001::a}}", "{{c99999999999999999999999::b}}", "{{c١::x}}", "{{c１::x}}", "{{c::x}}",
           "[a]({{c1::b}})", '[t](http://x "{{c1::t}}")', "{{c1::{{c2::a}}}}", "{{c1::}}", "<!-- {{c1::a}} -->"]


def _replace_value(line: str, value: str) -> str:
    key = line.split(": ", 1)[0]
    return f"{key}: {value}\n"


@MUTATIONS
@given(st.sampled_from(_VALUE_LINES), st.sampled_from(_TYPED))
def test_typed_scalars_anywhere(tmp_path_factory, index, value):
    lines = list(_LINES)
    lines[index] = _replace_value(lines[index], value)
    _check(tmp_path_factory.mktemp("typed"), "".join(lines))


@MUTATIONS
@given(st.sampled_from(_VALUE_LINES), st.lists(st.sampled_from(_ESCAPES), min_size=1, max_size=3))
def test_escaped_controls_anywhere(tmp_path_factory, index, escapes):
    lines = list(_LINES)
    lines[index] = _replace_value(lines[index], '"a' + "".join(escapes) + 'b"')
    problems = _check(tmp_path_factory.mktemp("escape"), "".join(lines))
    if set(escapes) - {"\\t"}:
        assert any("control or bidi character" in problem.message for problem in problems)


@MUTATIONS
@given(st.sampled_from(_VALUE_LINES), st.integers(1, 300), st.sampled_from(["[", "{a: ", "- "]))
def test_deep_nesting_anywhere(tmp_path_factory, index, depth, opener):
    closer = {"[": "]", "{a: ": "}", "- ": ""}[opener]
    lines = list(_LINES)
    lines[index] = _replace_value(lines[index], opener * depth + "x" + closer * depth)
    _check(tmp_path_factory.mktemp("deep"), "".join(lines))


@MUTATIONS
@given(st.integers(0, len(VALID)))
def test_truncated_anywhere(tmp_path_factory, length):
    _check(tmp_path_factory.mktemp("cut"), VALID[:length])


@MUTATIONS
@given(st.lists(st.sampled_from(_CLOZES), min_size=1, max_size=3))
def test_odd_cloze_numbers(tmp_path_factory, clozes):
    text = VALID.replace("{{c1::", "".join(clozes) + " {{c1::", 1)
    _check(tmp_path_factory.mktemp("cloze"), text)
