"""Whole-process start-up of the command line: `--help` and `check` on the shipped lessons."""

from __future__ import annotations

from .harness import Row, leaderdeck_command, process_seconds, python_startup_seconds


def rows(quick: bool) -> list[Row]:
    repeat = 5 if quick else 15
    baseline = python_startup_seconds(repeat)
    measured = [
        ("leaderdeck --help (whole process)", leaderdeck_command("--help"), 0.150),
        ("leaderdeck check, shipped lessons (whole process)", leaderdeck_command("check"), 0.300),
    ]
    result = []
    for figure, command, target in measured:
        seconds = process_seconds(command, repeat)
        result.append(Row(figure, seconds * 1000, "ms", f"< {target * 1000:.0f} ms", seconds < target,
                          baseline=f"python -c pass {baseline * 1000:.0f} ms", ratio=seconds / baseline))
    return result
