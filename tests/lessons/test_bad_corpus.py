"""The bad-input corpus: one small file per failure, each with the exact messages expected.

Regenerate an expected file only on purpose, after reading the new message:
    cd tests/lessons/bad && leaderdeck check NAME.yaml 2> NAME.expected  (then drop the count line)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from leaderdeck.course import check_files
from leaderdeck.errors import LessonError

BAD = Path(__file__).parent / "bad"
CASES = sorted(p for p in BAD.glob("*.yaml") if p.name != "course.yaml")


def test_every_case_has_an_expectation():
    assert CASES, "the corpus is empty"
    assert {p.stem for p in CASES} == {p.stem for p in BAD.glob("*.expected")}


@pytest.mark.parametrize("case", CASES, ids=[p.stem for p in CASES])
def test_bad_lesson_reports_exact_problems(case: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(BAD)
    with pytest.raises(LessonError) as raised:
        check_files([Path(case.name)])
    expected = case.with_suffix(".expected").read_text(encoding="utf-8").rstrip("\n")
    assert str(raised.value) == expected
