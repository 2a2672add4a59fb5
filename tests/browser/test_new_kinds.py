"""The match and explain cards in JupyterLab: a match answered with the mouse and one with the
keyboard, an explain item written and ticked with the keyboard, each checked with axe (scoped to
the quiz: no serious or critical violation)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from leaderdeck.course import load_course
from leaderdeck.notebooks import write_notebooks

from .answering import TIMEOUT, expect_feedback, press
from .test_lab import run_all
from .test_quiz_view import check_axe

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]
LESSONS = Path(__file__).parent.parent / "kinds" / "fixtures" / "lessons"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("newkinds")
    shutil.copytree(LESSONS, root / "lessons")
    write_notebooks(load_course(root / "lessons"), root)
    settings = root / "jupyter" / "settings" / "@jupyterlab"
    for folder, file, value in (("apputils-extension", "notification", {"fetchNews": "false"}),
                                ("notebook-extension", "tracker", {"windowingMode": "none"})):
        (settings / folder).mkdir(parents=True)
        (settings / folder / f"{file}.jupyterlab-settings").write_text(json.dumps(value))
    return root


def open_lesson(page, lab, name: str):
    base, token = lab
    page.goto(f"{base}/lab/tree/notebooks/{name}?token={token}&reset")
    expect(page.get_by_text("Python 3 (ipykernel) | Idle")).to_be_visible(timeout=60_000)
    run_all(page)
    quiz = page.locator(".ld-quiz").first
    expect(quiz).to_be_visible(timeout=60_000)
    return quiz


def options(select) -> list[str]:
    return select.locator("option").all_inner_texts()


def test_match_and_explain_with_mouse_and_keyboard(page, lab, project):
    quiz = open_lesson(page, lab, "01-doors.ipynb")
    expect(quiz.locator(".ld-pair")).to_have_count(3, timeout=TIMEOUT)
    check_axe(quiz, "match")
    # the mouse: choose a right for each case, one of them wrong
    for left, right in (("Selling the company", "One-way door"), ("Trying a new", "One-way door"),
                        ("Testing a price", "Two-way door")):
        quiz.get_by_label(left).select_option(label=right)
    press(quiz, "Check")
    expect_feedback(quiz, "✗ Not quite.")
    expect_feedback(quiz, "it matches Two-way door")
    expect(quiz.locator(".ld-pair.ld-wrong")).to_have_count(1)
    check_axe(quiz, "match-checked")
    press(quiz, "Next")

    # the keyboard: Tab to each select, arrow keys to the right, Enter on Check
    expect(quiz.locator(".ld-pair")).to_have_count(2, timeout=TIMEOUT)
    for left, right in (("One-way door", "A decision you cannot undo"), ("Two-way door", "A decision you can undo")):
        select = quiz.get_by_label(left, exact=True)
        select.focus()
        for _ in range(options(select).index(right)):
            page.keyboard.press("ArrowDown")
        expect(select.locator("option:checked")).to_have_text(right)
    quiz.get_by_role("button", name="Check", exact=True).focus()
    page.keyboard.press("Enter")
    expect_feedback(quiz, "✓ Right.")

    quiz = open_lesson(page, lab, "02-flywheel.ipynb")
    area = quiz.get_by_label("Your explanation")
    area.focus()
    page.keyboard.type("Each turn builds on the last, and early turns show little.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "Check against the rubric"
    boxes = quiz.locator(".ld-option-input")
    expect(boxes).to_have_count(3, timeout=TIMEOUT)
    check_axe(quiz, "explain-rubric")
    for index in (0, 1):
        boxes.nth(index).focus()
        page.keyboard.press("Space")
    quiz.get_by_role("button", name="Grade my explanation").focus()
    page.keyboard.press("Enter")
    expect_feedback(quiz, "2 of 3 points: graded Hard.")
    check_axe(quiz, "explain-graded")
