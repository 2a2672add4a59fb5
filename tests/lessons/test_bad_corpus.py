"""The bad-input corpus: one small file per failure, each with the exact messages expected.

Regenerate an expected file only on purpose, after reading the new message:
    cd tests/lessons/bad && leaderdeck check NAME.yaml 2> NAME.expected  (then drop the count line)
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from leaderdeck.cli import main
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


# Whole courses whose course file is odd, each a folder with its exact `expected` output of
# `leaderdeck check .` (stderr, then the exit code). What git cannot hold is made by the case's
# `make` file: one `NAME -> TARGET` (a symbolic link) or `NAME fifo` per line.
COURSES = sorted(p for p in (BAD / "courses").iterdir() if p.is_dir())


def _make(case: Path, into: Path) -> None:
    shutil.copytree(case, into, symlinks=True)
    recipe = case / "make"
    for line in recipe.read_text(encoding="utf-8").splitlines() if recipe.exists() else []:
        if " -> " in line:
            name, target = line.split(" -> ")
            (into / name).symlink_to(target)
        else:
            name, what = line.split()
            assert what == "fifo", line
            os.mkfifo(into / name)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs and symbolic links as on POSIX")
@pytest.mark.parametrize("case", COURSES, ids=[p.name for p in COURSES])
def test_odd_course_reports_exact_output(case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]):
    _make(case, tmp_path / case.name)
    monkeypatch.chdir(tmp_path / case.name)
    code = main(["check", "."])
    err = capsys.readouterr().err
    assert f"{err}exit {code}\n" == (case / "expected").read_text(encoding="utf-8")
