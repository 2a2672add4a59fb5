"""Notebook quizzes: from `import leaderdeck` to the first quiz displayed, inside a real kernel,
and (with Chromium) from kernel idle to the quiz visible in JupyterLab."""

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


def browser_row() -> Row | None:
    """Runs the JupyterLab browser test, which records the time from kernel idle to quiz visible."""
    if not Path("/usr/bin/chromium").exists():
        print("bench_notebooks: no Chromium, browser figure skipped", file=sys.stderr)
        return None
    timings = ROOT / "test-artifacts" / "browser-timings.json"
    timings.unlink(missing_ok=True)
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                    "tests/browser/test_lab.py::test_lesson_notebook_in_jupyterlab"],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    seconds = json.loads(timings.read_text())["lab: kernel idle → first quiz visible"]
    return Row("in JupyterLab: kernel idle → Run All → first quiz visible", seconds * 1000, "ms",
               "reported", True)


def rows(quick: bool) -> list[Row]:
    result = [in_kernel_row(3 if quick else 7)]
    browser = browser_row()
    return result + ([browser] if browser else [])
