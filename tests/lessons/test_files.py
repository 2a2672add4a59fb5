"""What `check` does with files that cannot live in the corpus (pipes, devices, links), and the
one loading route every caller takes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from leaderdeck import course as course_module
from leaderdeck.cli import main

pytestmark = pytest.mark.timeout(60)  # a FIFO read would hang: fail instead
LESSON = "01-door-decisions.yaml"


def _check(paths: list[Path], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(["check", *map(str, paths)])
    return code, capsys.readouterr().err.splitlines()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_named_like_a_lesson_is_refused_without_reading(course_dir: Path, capsys):
    os.mkfifo(course_dir / "99-x.yaml")
    code, err = _check([course_dir], capsys)
    assert code == 1
    assert any(line.endswith("99-x.yaml:1:1: not a regular file (a device, pipe or socket): lessons must be plain "
                             "files") for line in err)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_named_on_the_command_line_is_refused_without_reading(course_dir: Path, capsys):
    os.mkfifo(course_dir / "99-x.yaml")
    code, err = _check([course_dir / "99-x.yaml"], capsys)
    assert code == 1 and any("99-x.yaml:1:1: not a regular file" in line for line in err)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_lesson_linked_to_a_device_is_refused_without_reading(course_dir: Path, capsys):
    (course_dir / "99-zero.yaml").symlink_to("/dev/zero")
    code, err = _check([course_dir], capsys)
    assert code == 1 and any("99-zero.yaml:1:1: not a regular file" in line for line in err)


def test_a_symlink_loop_is_a_problem_not_a_traceback(course_dir: Path, capsys):
    (course_dir / "99-loop.yaml").symlink_to(course_dir / "99-loop.yaml")
    code, err = _check([course_dir], capsys)
    assert code == 1 and any("99-loop.yaml:1:1: cannot read the file: Too many levels of symbolic links" in line
                             for line in err)


def test_a_dangling_symlink_is_reported_under_its_own_name(course_dir: Path, capsys):
    (course_dir / "99-gone.yaml").symlink_to(course_dir / "elsewhere.yaml")
    code, err = _check([course_dir], capsys)
    assert code == 1
    assert any(line.endswith("99-gone.yaml:1:1: it is a symbolic link to a file that does not exist") for line in err)
    assert not any("elsewhere" in line for line in err)


def test_a_folder_named_like_a_lesson_is_a_problem(course_dir: Path, capsys):
    (course_dir / "99-folder.yaml").mkdir()
    code, err = _check([course_dir], capsys)
    assert code == 1 and any("99-folder.yaml:1:1: it is a folder, not a lesson file" in line for line in err)


def test_dot_files_are_not_lessons(course_dir: Path, capsys):
    (course_dir / ".01-door-decisions.yaml").write_text("not: [a lesson\n", encoding="utf-8")
    (course_dir / ".x.yaml").write_text("id: x\n", encoding="utf-8")
    code, _ = _check([course_dir], capsys)
    assert code == 0


def test_a_broken_course_file_hides_no_unknown_source(course_dir: Path, capsys):
    course = course_dir / "course.yaml"
    course.write_text(course.read_text(encoding="utf-8").replace("title: ", "titel: ", 1), encoding="utf-8")
    lesson = course_dir / LESSON
    text = lesson.read_text(encoding="utf-8")
    lesson.write_text(text.replace("sources:\n", "sources:\n  - unknown.txt\n", 1), encoding="utf-8")
    code, err = _check([course_dir], capsys)
    assert code == 1
    assert any("course.yaml" in line and "unknown key 'titel'" in line for line in err)
    assert any(f"{LESSON}:" in line and "unknown source 'unknown.txt'" in line for line in err)


def test_the_folder_and_the_file_give_the_same_answer(course_dir: Path, capsys):
    lesson = course_dir / LESSON
    text = lesson.read_text(encoding="utf-8")
    start = text.index("    steps:\n")
    end = text.index("    explanation:", start)
    lesson.write_text(text[:start] + "    steps: [| Ask whether it can be reversed, Decide, Learn]\n" + text[end:],
                      encoding="utf-8")
    assert "[| Ask" in lesson.read_text(encoding="utf-8")
    by_folder = _check([course_dir], capsys)
    by_file = _check([lesson], capsys)
    assert by_folder[0] == by_file[0] == 1
    assert by_folder[1] == by_file[1] and any("YAML syntax error" in line for line in by_file[1])


def test_a_deeply_nested_lesson_is_a_problem_in_every_command(course_dir: Path):
    """Once a segfault (exit 139) in the second parser: a separate process, so a crash fails the test."""
    (course_dir / "99-deep.yaml").write_text("- " * 20000 + "x", encoding="utf-8")
    for command in (["check", str(course_dir)], ["build", "--lessons", str(course_dir), "--check"]):
        result = subprocess.run([sys.executable, "-m", "leaderdeck", *command], capture_output=True, text=True)
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr and "99-deep.yaml:1:1: expected a mapping" in result.stderr


def test_every_command_and_notebook_function_loads_through_one_route(course_dir: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch):
    calls: list[str] = []
    route = course_module._load

    def spy(lessons_dir, files):
        calls.append("files" if files is not None else "course")
        return route(lessons_dir, files)

    monkeypatch.setattr(course_module, "_load", spy)
    monkeypatch.setenv("LEADERDECK_HOME", str(tmp_path / "home"))
    from leaderdeck.progress.api import load_catalog
    from leaderdeck.quizzes import cached_course

    assert main(["check", str(course_dir)]) == 0
    assert main(["check", str(course_dir / LESSON)]) == 0
    cached_course(course_dir, "door-decisions")  # quiz()
    load_catalog(course_dir)  # review(), dashboard(), stats()
    assert main(["new", "Think Big", "--lessons", str(course_dir)]) == 0
    out = tmp_path / "out"
    shutil.copytree(course_dir, out / "lessons")
    assert main(["build", "--lessons", str(out / "lessons")]) == 0
    assert calls == ["course", "files", "files", "course", "course", "course"]
