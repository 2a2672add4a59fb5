"""User errors read as messages, not tracebacks, in the terminal and in notebooks alike."""

from __future__ import annotations

from leaderdeck.errors import LeaderdeckError, LessonError, Problem


def test_problem_format_is_file_line_col_keypath_message():
    problem = Problem("lessons/think-big.yaml", 14, 5, "items[2].answer", "required")
    assert str(problem) == "lessons/think-big.yaml:14:5: items[2].answer: required"
    assert str(Problem("a.yaml", 1, 1, "", "the file is empty")) == "a.yaml:1:1: the file is empty"


def test_lesson_error_sorts_and_deduplicates_problems():
    later, earlier = Problem("b.yaml", 2, 1, "x", "m"), Problem("a.yaml", 9, 1, "y", "n")
    error = LessonError([later, earlier, later])
    assert error.problems == (earlier, later)
    assert str(error).splitlines() == [str(earlier), str(later)]


def test_ipython_shows_the_message_instead_of_a_traceback():
    lines = LeaderdeckError("the store is locked\nclose the other notebook")._render_traceback_()
    assert len(lines) == 2 and lines[0].endswith("the store is locked") and "Traceback" not in "".join(lines)


def test_messages_show_controls_and_bidi_characters_as_escapes():
    from leaderdeck.errors import Problem, printable

    problem = Problem("a\nb.yaml", 1, 2, "x\x1b[2J", "unknown source 'a\u202eb\x0c'")
    assert str(problem) == "a\\nb.yaml:1:2: x\\x1b[2J: unknown source 'a\\u202eb\\x0c'"
    assert printable("line\nnext\x07", keep_lines=True) == "line\nnext\\x07"
