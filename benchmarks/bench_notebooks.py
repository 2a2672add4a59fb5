"""Notebook quizzes: from `import leaderdeck` to the first quiz displayed, inside a real kernel,
and (with Chromium) from kernel idle to the quiz visible in JupyterLab and from a Voila lesson
page requested to its first quiz visible."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from .harness import ROOT, Row

FIRST_QUIZ = """
import time as _t; _start = _t.perf_counter()
import leaderdeck
from IPython.display import display
display(leaderdeck.quiz("{lesson}"))
print(round((_t.perf_counter() - _start) * 1000, 2))
"""
BARE_WIDGET = """
import time as _t; _start = _t.perf_counter()
import ipywidgets
from IPython.display import display
display(ipywidgets.Label("x"))
print(round((_t.perf_counter() - _start) * 1000, 2))
"""


def kernel_ms(code: str, cwd: Path, env: dict[str, str]) -> float:
    """Run `code` as the first cell of a fresh kernel; it prints its own elapsed milliseconds."""
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3", cwd=str(cwd), env=env)
    try:
        printed: list[str] = []
        client.execute_interactive(code, timeout=60, output_hook=lambda m: _collect(m, printed))
        return float("".join(printed).split()[-1])
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def _collect(message: dict, printed: list[str]) -> None:
    if message["msg_type"] == "stream":
        printed.append(message["content"]["text"])
    elif message["msg_type"] == "error":
        raise RuntimeError("\n".join(message["content"]["traceback"]))


def in_kernel_row(repeat: int) -> Row:
    from leaderdeck.course import load_course

    lesson = load_course(ROOT / "lessons").lessons[0].id
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "LEADERDECK_HOME": home}
        cwd = ROOT / "notebooks"
        quiz = statistics.median(kernel_ms(FIRST_QUIZ.format(lesson=lesson), cwd, env) for _ in range(repeat))
        bare = statistics.median(kernel_ms(BARE_WIDGET, cwd, env) for _ in range(repeat))
    return Row("in a kernel: import leaderdeck → first quiz displayed", quiz, "ms", "< 300 ms", quiz < 300,
               baseline=f"import ipywidgets + display a Label {bare:.0f} ms", ratio=quiz / bare)


CHROMIUM = Path("/usr/bin/chromium")
# (timing the browser test records, the row's figure, its target in seconds or None: reported)
BROWSER_FIGURES = (
    ("lab: kernel idle → first quiz visible", "in JupyterLab: kernel idle → Run All → first quiz visible", 1.0),
    ("voila: page request → first quiz visible", "in Voila: lesson page requested → first quiz visible", 2.0),
    ("voila: cold server, page request → first quiz visible",
     "in Voila, server just started: lesson page → first quiz visible", None),
)
BROWSER_TESTS = ("tests/browser/test_lab.py::test_lesson_notebook_in_jupyterlab",
                 "tests/browser/test_voila.py::test_lesson_in_voila_shows_text_and_quizzes_but_no_code",
                 "tests/browser/test_voila.py::test_a_lesson_page_from_a_heated_kernel_shows_its_first_quiz_fast")


def browser_rows() -> list[Row]:
    """Runs the JupyterLab and Voila browser tests in Chromium; each records its time to the first
    quiz visible (`tests/browser/conftest.record_timing`). Without Chromium: rows that say so."""
    if not CHROMIUM.exists():
        reason = f"skipped: no Chromium at {CHROMIUM}"
        print(f"bench_notebooks: {reason}", file=sys.stderr)
        return [Row(figure, float("nan"), "ms", reason, True) for _, figure, _ in BROWSER_FIGURES]
    timings = ROOT / "test-artifacts" / "browser-timings.json"
    timings.unlink(missing_ok=True)
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "browser", *BROWSER_TESTS],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    seconds = json.loads(timings.read_text())
    return [Row(figure, seconds[name] * 1000, "ms", "reported", True) if limit is None else
            Row(figure, seconds[name] * 1000, "ms", f"< {limit * 1000:.0f} ms", seconds[name] < limit)
            for name, figure, limit in BROWSER_FIGURES]


def rows(quick: bool) -> list[Row]:
    return [in_kernel_row(3 if quick else 7), *browser_rows()]
