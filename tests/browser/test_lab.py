"""A generated lesson notebook in JupyterLab: run it, answer every kind wrongly then rightly."""

from __future__ import annotations

import shutil
import time

import pytest
from playwright.sync_api import expect

from .answering import answer_one_way_quiz, answer_two_way_quiz
from .conftest import record_timing, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]


def open_notebook(page, lab, project, name: str) -> None:
    shutil.copy(project / "notebooks" / "01-doors.ipynb", project / "notebooks" / name)  # Lab autosaves
    page.goto(lab.url(project / "notebooks" / name))
    expect(page.get_by_text("Python 3 (ipykernel) | Idle")).to_be_visible(timeout=60_000)


def run_all(page) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()


def switch_theme(page, theme: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text="Settings").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Theme").first.hover()
    page.locator(".lm-Menu-itemLabel", has_text=theme).first.click()
    expect(page.locator("body")).to_have_attribute("data-jp-theme-name", theme, timeout=20_000)


def test_lesson_notebook_in_jupyterlab(page, lab, project):
    open_notebook(page, lab, project, "lab-copy.ipynb")
    idle = time.perf_counter()
    run_all(page)
    quizzes = page.locator(".ld-quiz")
    expect(quizzes.first).to_be_visible(timeout=60_000)
    record_timing("lab: kernel idle → first quiz visible", time.perf_counter() - idle)
    expect(quizzes).to_have_count(2, timeout=60_000)
    expect(page.locator(".jp-OutputArea-output [data-mime-type='application/vnd.jupyter.stderr']")).to_have_count(0)
    answer_one_way_quiz(quizzes.nth(0))
    answer_two_way_quiz(quizzes.nth(1))
    quizzes.nth(1).scroll_into_view_if_needed()
    screenshot(page, "lab-light")
    switch_theme(page, "JupyterLab Dark")
    screenshot(page, "lab-dark")
    switch_theme(page, "JupyterLab Light")


def test_a_question_shown_mid_answer_in_both_themes(page, lab, project):
    """Screenshots of feedback on a wrong answer, the state a learner looks at most closely."""
    open_notebook(page, lab, project, "lab-feedback.ipynb")
    run_all(page)
    quiz = page.locator(".ld-quiz").nth(1)
    expect(quiz).to_be_visible(timeout=60_000)
    # the first test answered these cards today: the re-run says so and offers to practise again
    expect(quiz.locator(".ld-resume")).to_contain_text("3 answered today", timeout=20_000)
    quiz.get_by_role("button", name="Practise again", exact=True).click()
    quiz.get_by_label("Blank 1", exact=True).fill("slow")
    quiz.get_by_role("button", name="Check", exact=True).click()
    expect(quiz.locator(".ld-feedback")).to_contain_text("✗ Not quite.")
    quiz.scroll_into_view_if_needed()
    quiz.screenshot(path=str(screenshot(page, "lab-cloze-light")))
    switch_theme(page, "JupyterLab Dark")
    quiz.screenshot(path=str(screenshot(page, "lab-cloze-dark")))
    switch_theme(page, "JupyterLab Light")
