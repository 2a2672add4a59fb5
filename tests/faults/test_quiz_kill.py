"""A kernel killed between a missed cloze and "I was right": the miss the learner was shown as
answered is in the store; killed after the override, the store counts the correction alone."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from leaderdeck.progress.store import open_store

from .conftest import finish, python

pytestmark = pytest.mark.faults

FIXTURES = Path(__file__).resolve().parents[1] / "notebooks" / "fixtures" / "lessons"

# A notebook kernel's quiz on the real store, driven as the browser drives it; each line read
# from stdin is an action, each acted on is acknowledged with its name once the view has taken it.
KERNEL = """
import sys
from leaderdeck.quizzes import quiz

view = quiz("doors", "two-way", lessons_dir=sys.argv[1])
print("shown", flush=True)
for line in sys.stdin:
    action, *typed = line.split()
    view.act(action, **({"typed": typed} if typed else {}))
    print(action, view.widget.state["save"], flush=True)
"""


def run_until(kernel, *actions: str) -> None:
    assert kernel.stdout.readline().strip() == "shown"
    for action in actions:
        kernel.stdin.write(action + "\n")
        kernel.stdin.flush()
        assert kernel.stdout.readline().split()[0] == action.split()[0]


def reviews(home: Path) -> list[tuple[str, int, int]]:
    with open_store(home / "progress.sqlite3") as store:
        cached = store.cards()
        store.rebuild_cards()
        assert store.cards() == cached
        return [(r.card.rsplit("#")[1], r.rating, r.correct) for r in store.history()]


@pytest.mark.parametrize("override", [False, True])
def test_a_kernel_killed_around_i_was_right_loses_no_answer(tmp_path, override):
    home = tmp_path / "home"
    kernel = python(KERNEL, FIXTURES)
    try:
        run_until(kernel, "check speed tests", *(["override"] if override else []))
        kernel.send_signal(signal.SIGKILL)
        kernel.wait(10)
    finally:
        finish(kernel)
    assert reviews(home) == ([("0", 3, True), ("1", 3, True)] if override else [("0", 3, True), ("1", 1, False)])
