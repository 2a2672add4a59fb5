"""`leaderdeck lint` and `leaderdeck check --strict`: thin commands over `lint_course`."""

from __future__ import annotations

from lint_fixture import item

from leaderdeck.cli import main

ORDER = item("order", "prompt: Put these in order.\nsteps:\n  - First step\n  - Second step")
CLEAN = item("flashcard", 'front: "What do we call a decision you can undo?"\nback: "A two-way door"')


def test_lint_prints_findings_and_exits_1(fixture, capsys):
    lessons = fixture.write(ORDER)
    assert main(["lint", str(lessons)]) == 1
    out, err = capsys.readouterr()
    assert "items[0].steps: [LD401 order-unsupported]" in out
    assert "lint: 1 finding" in err


def test_lint_on_a_clean_course_exits_0(fixture, capsys):
    assert main(["lint", str(fixture.write(CLEAN))]) == 0
    assert "lint: ok" in capsys.readouterr().err


def test_lint_of_a_file_shows_that_file_only(fixture, capsys):
    lessons = fixture.write(ORDER, CLEAN)
    assert main(["lint", str(lessons / "l2.yaml")]) == 0
    assert main(["lint", str(lessons / "l1.yaml")]) == 1
    assert "l1.yaml" in capsys.readouterr().out


def test_lint_without_sources_notes_it_and_passes(fixture, capsys):
    assert main(["lint", str(fixture.write(CLEAN, sources=None))]) == 0
    assert "[LD600 copy-rules-not-run] note: copy rules (LD601, LD602) not run" in capsys.readouterr().out


def test_check_strict_lints_after_checking(fixture, capsys):
    lessons = fixture.write(ORDER)
    assert main(["check", str(lessons)]) == 0
    assert main(["check", "--strict", str(lessons)]) == 1
    assert "LD401" in capsys.readouterr().out


def test_lint_course_is_public_api(fixture):
    import leaderdeck

    assert "lint_course" in leaderdeck.__all__
    assert leaderdeck.lint_course(leaderdeck.load_course(fixture.write(CLEAN))) == []
