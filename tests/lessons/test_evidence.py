"""Evidence quotes: how they are compared with the sources, and what `check` says without them."""

from __future__ import annotations

from pathlib import Path

import pytest

from leaderdeck.cli import main
from leaderdeck.course import load_course
from leaderdeck.errors import LessonError
from leaderdeck.evidence import normalise, occurs

SOURCE = "Leaders don’t take risks blindly.\nA “two-way   door” can be reversed — if it fails, you go back.\n"


@pytest.mark.parametrize("quote", [
    "leaders DON'T take risks",                      # case, straight apostrophe
    'a "two-way door" can be reversed - if it fails',  # straight quotes, spaced hyphen for an em dash
    "take risks blindly. A “two-way door”",            # across a line break
    "Leaders don't … go back.",                        # a cut
])
def test_quotes_match_despite_typography(quote: str):
    assert occurs(quote, normalise(SOURCE))


@pytest.mark.parametrize("quote", ["leaders take risks", "go back … Leaders don't", "reversed, if it fails"])
def test_quotes_that_the_source_does_not_hold(quote: str):
    assert not occurs(quote, normalise(SOURCE))


def _with_evidence(course_dir: Path, quote: str, sources_dir: str | None) -> Path:
    lesson = course_dir / "01-door-decisions.yaml"
    text = lesson.read_text(encoding="utf-8")
    marker = "    explanation: |"
    at = text.index(marker)
    lesson.write_text(text[:at] + f'    evidence: {{quote: "{quote}", speaker: Kara Hurst}}\n' + text[at:],
                      encoding="utf-8")
    if sources_dir is not None:
        course = course_dir / "course.yaml"
        course.write_text(course.read_text(encoding="utf-8") + f"sources_dir: {sources_dir}\n", encoding="utf-8")
    return lesson


def _source_folder(course_dir: Path) -> None:
    (course_dir / "sources").mkdir()
    (course_dir / "sources" / "000_d2a678475de70dfb.txt").write_text(SOURCE, encoding="utf-8")


def test_check_verifies_quotes_when_the_sources_are_there(course_dir: Path, capsys: pytest.CaptureFixture[str]):
    _source_folder(course_dir)
    _with_evidence(course_dir, "Leaders don't take risks blindly", "sources")
    assert main(["check", str(course_dir)]) == 0
    assert capsys.readouterr().err == ""


def test_a_quote_the_source_lacks_is_a_problem_with_its_place(course_dir: Path):
    _source_folder(course_dir)
    _with_evidence(course_dir, "Leaders always take risks", "sources")
    with pytest.raises(LessonError) as raised:
        load_course(course_dir)
    (problem,) = raised.value.problems
    assert str(problem).endswith(": items[0].evidence.quote: quote not found in 000_d2a678475de70dfb.txt")


@pytest.mark.parametrize(("sources_dir", "reason"), [
    (None, "no `sources_dir` in course.yaml"),
    ("missing", "sources folder not found ("),
])
def test_without_sources_check_passes_and_says_so(course_dir: Path, capsys, sources_dir, reason):
    _with_evidence(course_dir, "Leaders always take risks", sources_dir)
    assert main(["check", str(course_dir)]) == 0
    err = capsys.readouterr().err
    assert err.startswith(f"note: evidence not verified: {reason}") and err.count("\n") == 1


def test_one_lesson_file_is_verified_against_its_course(course_dir: Path, capsys):
    _source_folder(course_dir)
    lesson = _with_evidence(course_dir, "Leaders always take risks", "sources")
    assert main(["check", str(lesson)]) == 1
    assert "quote not found in 000_d2a678475de70dfb.txt" in capsys.readouterr().err


def test_a_source_too_large_to_read_is_named_and_the_check_passes(course_dir: Path, capsys, monkeypatch):
    import leaderdeck.evidence

    monkeypatch.setattr(leaderdeck.evidence, "MAX_SOURCE_BYTES", 16)
    _source_folder(course_dir)
    _with_evidence(course_dir, "Leaders always take risks", "sources")
    assert main(["check", str(course_dir)]) == 0
    err = capsys.readouterr().err
    assert err == "note: evidence not verified: cannot read 000_d2a678475de70dfb.txt (more than 16 bytes)\n"


def test_the_loaded_course_says_whether_its_quotes_were_verified(course_dir: Path):
    _source_folder(course_dir)
    _with_evidence(course_dir, "Leaders don't take risks blindly", "sources")
    assert load_course(course_dir).unverified is None
    (course_dir / "sources" / "000_d2a678475de70dfb.txt").unlink()
    assert load_course(course_dir).unverified == f"not in {course_dir / 'sources'}: 000_d2a678475de70dfb.txt"
