"""The `leaderdeck` command: exit codes and output for check, new and schema."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from leaderdeck.cli import main
from leaderdeck.course import load_course
from leaderdeck.kinds import KINDS


def test_check_clean_course_prints_summary(course_dir: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["check", str(course_dir)]) == 0
    out = capsys.readouterr().out
    assert out.strip() == "ok: 1 lesson, 12 items (3 flashcard, 3 cloze, 4 choice, 1 order, 1 reflection)"


def test_check_reports_every_problem_sorted_and_exits_1(course_dir: Path, capsys: pytest.CaptureFixture[str]):
    lesson = course_dir / "01-door-decisions.yaml"
    text = lesson.read_text(encoding="utf-8")
    text = text.replace("    reverse: true\n", "    reverse: yes please\n", 1)
    text = text.replace("    model_answer: |", "    model_answr: |", 1)
    lesson.write_text(text, encoding="utf-8")
    (course_dir / "02-other.yaml").write_text("id: other\ntitle: ''\n", encoding="utf-8")
    assert main(["check", str(course_dir)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == "8 problems in 2 files"
    located = [(line.split(":")[0].rsplit("/", 1)[-1], int(line.split(":")[1])) for line in err[:-1]]
    assert located == sorted(located)
    assert any("reverse: expected true or false, got text ('yes please')" in line for line in err)
    assert any("model_answr: unknown key 'model_answr' — did you mean 'model_answer'?" in line for line in err)
    assert any("02-other.yaml:2:8: title: empty text" in line for line in err)


def test_reference_problems_are_all_reported(course_dir: Path, capsys: pytest.CaptureFixture[str]):
    lesson = course_dir / "01-door-decisions.yaml"
    text = lesson.read_text(encoding="utf-8")
    text = text.replace("    concept: two-way-door\n", "    concept: two-way-dor\n", 1)
    text = text.replace("    correct: [two-way]", "    correct: [two-ways]", 1)
    lesson.write_text(text, encoding="utf-8")
    assert main(["check", str(course_dir)]) == 1
    err = capsys.readouterr().err
    assert "concept: unknown concept 'two-way-dor' — did you mean 'two-way-door'?" in err
    assert "correct[0]: unknown option 'two-ways' — did you mean 'two-way'?" in err


def test_check_one_file_uses_its_folders_course(course_dir: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["check", str(course_dir / "01-door-decisions.yaml")]) == 0
    assert capsys.readouterr().out.startswith("ok: 1 lesson, 12 items")


def test_missing_course_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 1
    assert capsys.readouterr().err.startswith("error: no lessons/course.yaml found")


def test_duplicate_lesson_ids_across_the_course(course_dir: Path, capsys: pytest.CaptureFixture[str]):
    original = course_dir / "01-door-decisions.yaml"
    (course_dir / "02-copy.yaml").write_text(original.read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["check", str(course_dir)]) == 1
    err = capsys.readouterr().err
    assert "02-copy.yaml:2:5: id: duplicate lesson id 'door-decisions' (also in" in err


def test_listed_lesson_without_a_file_and_unlisted_file(course_dir: Path, capsys: pytest.CaptureFixture[str]):
    course = course_dir / "course.yaml"
    course.write_text(course.read_text(encoding="utf-8") + "  - missing-lesson\n", encoding="utf-8")
    lesson = course_dir / "01-door-decisions.yaml"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("id: door-decisions", "id: door-decision", 1),
                      encoding="utf-8")
    assert main(["check", str(course_dir)]) == 1
    err = capsys.readouterr().err
    assert "id: lesson 'door-decision' is not listed in course.yaml 'lessons' — did you mean 'door-decisions'?" in err
    assert "lessons[0]: no lesson file has id 'door-decisions'" in err
    assert "lessons[1]: no lesson file has id 'missing-lesson'" in err


def test_absurdly_large_file_is_refused_without_reading_it(course_dir: Path, capsys: pytest.CaptureFixture[str]):
    (course_dir / "99-huge.yaml").write_bytes(b"# " + b"x" * (1024 * 1024) + b"\n")
    assert main(["check", str(course_dir)]) == 1
    expected = "99-huge.yaml:1:1: the file is 1,048,579 bytes; a lesson may be at most 1,048,576 bytes"
    assert expected in capsys.readouterr().err


def test_new_writes_a_valid_numbered_lesson_and_lists_it(course_dir: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["new", "Bias for Action!", "--lessons", str(course_dir)]) == 0
    created = course_dir / "02-bias-for-action.yaml"
    assert created.is_file()
    course = load_course(course_dir)
    assert [lesson.id for lesson in course.lessons] == ["door-decisions", "bias-for-action"]
    new = course.lesson("bias-for-action")
    assert new.title == "Bias for Action!"
    assert sorted({item.kind for item in new.items}) == sorted(KINDS)  # an example of every kind
    assert main(["check", str(course_dir)]) == 0
    assert main(["new", "Bias for action", "--lessons", str(course_dir)]) == 1
    assert "already has a lesson with id 'bias-for-action'" in capsys.readouterr().err


def test_new_keeps_course_comments(course_dir: Path):
    course = course_dir / "course.yaml"
    before = course.read_text(encoding="utf-8")
    assert main(["new", "Think Big", "--lessons", str(course_dir)]) == 0
    after = course.read_text(encoding="utf-8")
    assert after == before.replace("  - door-decisions\n", "  - door-decisions\n  - think-big\n")


def test_schema_check_detects_stale_files(course_dir: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["schema", "--lessons", str(course_dir)]) == 0
    assert main(["schema", "--check", "--lessons", str(course_dir)]) == 0
    (course_dir / "schema" / "lesson.schema.json").write_text("{}\n", encoding="utf-8")
    assert main(["schema", "--check", "--lessons", str(course_dir)]) == 1
    assert "stale:" in capsys.readouterr().err


def test_help_lists_commands_and_runs_as_a_process():
    result = subprocess.run([sys.executable, "-m", "leaderdeck", "--help"], capture_output=True, text=True, check=True)
    for command in ("check", "new", "schema"):
        assert command in result.stdout


def test_bad_lesson_never_gives_a_traceback(course_dir: Path):
    (course_dir / "02-broken.yaml").write_bytes(b"id: [\n\xff\xfe")
    result = subprocess.run([sys.executable, "-m", "leaderdeck", "check", str(course_dir)],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "02-broken.yaml:2:1: not UTF-8 (byte 0xff)" in result.stderr


def test_shape_and_reference_problems_in_one_file_are_reported_together(course_dir: Path, capsys):
    lesson = course_dir / "01-door-decisions.yaml"
    text = lesson.read_text(encoding="utf-8")
    text = text.replace("    reverse: true\n", "    reverse: yes please\n", 1)  # items[0]: malformed
    text = text.replace("    concept: two-way-door\n", "    concept: two-way-dor\n", 1)  # items[1]: bad reference
    text = text.replace("    correct: [two-way]", "    correct: [two-ways]", 1)  # items[4]: bad reference
    lesson.write_text(text, encoding="utf-8")
    assert main(["check", str(course_dir)]) == 1
    err = capsys.readouterr().err
    assert "items[0].reverse: expected true or false, got text ('yes please')" in err
    assert "items[1].concept: unknown concept 'two-way-dor' — did you mean 'two-way-door'?" in err
    assert "items[4].correct[0]: unknown option 'two-ways' — did you mean 'two-way'?" in err
    assert err.splitlines()[-1] == "3 problems in 1 file"


def test_media_behind_a_link_out_of_the_lessons_folder_is_refused(course_dir: Path, tmp_path: Path, capsys):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not for learners")
    (course_dir / "media").mkdir()
    (course_dir / "media" / "door.png").symlink_to(secret)
    lesson = course_dir / "01-door-decisions.yaml"
    text = lesson.read_text(encoding="utf-8")
    lesson.write_text(text.replace("      Two Amazon leaders", "      ![door](media/door.png) Two Amazon leaders", 1),
                      encoding="utf-8")
    assert main(["check", str(course_dir)]) == 1
    expected = "concepts[0].body: media path 'media/door.png' leaves the lessons folder through a link"
    assert expected in capsys.readouterr().err


def test_paths_that_are_not_there_or_not_lessons_get_a_clear_message(tmp_path: Path, capsys):
    assert main(["check", str(tmp_path / "nothing.yaml")]) == 1
    assert capsys.readouterr().err == f"error: no such file or folder: {tmp_path / 'nothing.yaml'}\n"
    assert main(["check", str(tmp_path)]) == 1
    assert capsys.readouterr().err.endswith(": not a lessons folder (it has no course.yaml)\n")


def test_an_image_in_the_course_description_is_refused_with_its_place(course_dir: Path, capsys):
    (course_dir / "media").mkdir()
    (course_dir / "media" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    course = course_dir / "course.yaml"
    course.write_text(course.read_text(encoding="utf-8").replace(
        "description: A small course for tests.", "description: 'A course. ![logo](media/logo.png)'"), encoding="utf-8")
    assert main(["check", str(course_dir)]) == 1
    err = capsys.readouterr().err
    assert "course.yaml:5:14: description: the course description cannot hold images" in err


@pytest.mark.parametrize("command", [["check"], ["lint"], ["build", "--lessons"]])
def test_a_path_too_long_is_a_message_not_a_traceback(command: list[str], capsys: pytest.CaptureFixture[str]):
    assert main([*command, "a" * 5000]) == 1
    err = capsys.readouterr().err
    assert err == f"error: {'a' * 99}…: File name too long\n"


@pytest.mark.parametrize(("command", "buffered"),
                         [(["check"], True), (["stats", "--store", "{tmp}/s.sqlite3", "--lessons"], False)])
def test_output_into_a_reader_that_closed_ends_quietly(course_dir: Path, command: list[str], buffered: bool):
    """`leaderdeck stats | head -1`: a reader gone before the output is written. Buffered, the
    write fails only at the final flush; unbuffered, inside the command's print."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # no reader at all, so every write is refused, with no race against one
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    env |= {} if buffered else {"PYTHONUNBUFFERED": "1"}
    argv = [part.format(tmp=course_dir.parent) for part in command] + [str(course_dir)]
    try:
        result = subprocess.run([sys.executable, "-m", "leaderdeck", *argv], stdout=write_end, stderr=subprocess.PIPE,
                                text=True, env=env)
    finally:
        os.close(write_end)
    assert result.returncode == 141  # 128 + SIGPIPE, as a shell reports for `yes | head -1`
    assert "Error" not in result.stderr and "Exception" not in result.stderr
