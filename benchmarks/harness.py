"""Shared measuring tools for the benchmark modules. Run everything with `python -m benchmarks`.

A benchmark module is `benchmarks/bench_*.py` with a function `rows(quick: bool) -> list[Row]`.
Each row is one measured figure with its target and, where a baseline applies, the ratio to a
baseline measured in the same run (so a slower machine moves both numbers together).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Row:
    figure: str
    measured: float
    unit: str
    target: str
    ok: bool
    baseline: str = ""
    ratio: float | None = None


def median_seconds(action: Callable[[], object], repeat: int = 7, warmup: int = 1) -> float:
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


@dataclass(frozen=True)
class Paired:
    seconds: float  # median of the measured action
    baseline_seconds: float  # median of the baseline
    ratio: float  # median of the ratios of runs made side by side


def paired_seconds(action: Callable[[], object], baseline: Callable[[], object], repeat: int = 5) -> Paired:
    """Time `action` against `baseline`, alternating them and comparing each pair of runs.

    On a shared or virtual machine the speed drifts by tens of percent within seconds; runs made
    one after the other see the same machine, so the median of their ratios is steadier than the
    ratio of medians taken minutes apart."""
    pairs = []
    for _ in range(repeat):
        pairs.append((_seconds(action), _seconds(baseline)))
    return Paired(statistics.median(a for a, _ in pairs), statistics.median(b for _, b in pairs),
                  statistics.median(a / b for a, b in pairs))


def _seconds(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def process_seconds(command: Sequence[str], repeat: int = 9, cwd: Path = ROOT) -> float:
    """Median wall time of a whole process, start to exit."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "0"}

    def run() -> None:
        subprocess.run(command, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)

    return median_seconds(run, repeat=repeat, warmup=2)


def python_startup_seconds(repeat: int = 9) -> float:
    """Baseline: a bare interpreter that exits at once."""
    return process_seconds([sys.executable, "-c", "pass"], repeat=repeat)


def leaderdeck_command(*args: str) -> list[str]:
    return [str(BIN / "leaderdeck"), *args]


def format_table(rows: list[Row]) -> str:
    header = ("figure", "measured", "target", "baseline", "ratio", "")
    lines = [header]
    for row in rows:
        measured = f"{row.measured:.1f} {row.unit}" if row.measured < 1000 else f"{row.measured:,.0f} {row.unit}"
        ratio = f"{row.ratio:.2f}x" if row.ratio is not None else ""
        lines.append((row.figure, measured, row.target, row.baseline, ratio, "ok" if row.ok else "MISSED"))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    text = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
            for line in lines]
    text.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(text)
