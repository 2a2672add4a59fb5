"""`leaderdeck lint` on the shipped course: the rules in-process, and the whole command."""

from __future__ import annotations

from .harness import ROOT, Row, leaderdeck_command, median_seconds, process_seconds, python_startup_seconds


def rows(quick: bool) -> list[Row]:
    from leaderdeck.course import load_course
    from leaderdeck.lint import lint_course

    repeat = 5 if quick else 15
    course = load_course(ROOT / "lessons")
    in_process = median_seconds(lambda: lint_course(course), repeat=repeat)
    baseline = python_startup_seconds(repeat)
    whole = process_seconds(leaderdeck_command("lint"), repeat)
    return [
        Row("lint_course, shipped lessons (in-process, loaded course)", in_process * 1000, "ms", "< 300 ms",
            in_process < 0.300),
        Row("leaderdeck lint, shipped lessons (whole process)", whole * 1000, "ms", "< 300 ms", whole < 0.300,
            baseline=f"python -c pass {baseline * 1000:.0f} ms", ratio=whole / baseline),
    ]
