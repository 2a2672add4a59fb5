"""A lesson in Voila (as `leaderdeck serve` runs it): text and quizzes only, no code."""

from __future__ import annotations

import statistics
import time

import pytest
from playwright.sync_api import expect

from .answering import answer_one_way_quiz, answer_two_way_quiz, from_question_one
from .conftest import record_timing, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]
POOL_REFILL_SECONDS = 4  # a preheated kernel runs the lesson's notebook in about 2-3 s


def open_lesson(page, voila: str, theme: str = "light"):
    start = time.perf_counter()
    page.goto(f"{voila.base}/voila/render/01-doors.ipynb?theme={theme}", timeout=90_000)
    quizzes = page.locator(".ld-quiz")
    expect(quizzes).to_have_count(2, timeout=90_000)
    expect(quizzes.first).to_be_visible()
    return quizzes, time.perf_counter() - start


def test_lesson_in_voila_shows_text_and_quizzes_but_no_code(page, voila):
    quizzes, seconds = open_lesson(page, voila)
    record_timing("voila: cold server, page request → first quiz visible", seconds)
    expect(page.get_by_text("A one-way door cannot be undone.")).to_be_visible()
    expect(page.get_by_text("leaderdeck.quiz(")).to_have_count(0)
    expect(page.get_by_text("import leaderdeck")).to_have_count(0)
    for quiz in (quizzes.nth(0), quizzes.nth(1)):
        from_question_one(quiz)
    answer_one_way_quiz(quizzes.nth(0))
    answer_two_way_quiz(quizzes.nth(1))
    screenshot(page, "voila-light")


def test_voila_dark_theme(page, voila):
    quizzes, _ = open_lesson(page, voila, theme="dark")
    expect(page.locator("body")).to_have_attribute("data-jp-theme-light", "false")
    quiz = quizzes.nth(0)
    from_question_one(quiz)
    quiz.get_by_role("button", name="Show answer", exact=True).click()
    expect(quiz.get_by_role("button", name="Good", exact=True)).to_be_visible()
    screenshot(page, "voila-dark")


def test_a_lesson_page_from_a_heated_kernel_shows_its_first_quiz_fast(page, voila):
    """As a learner meets it: the server has been up a few seconds, so the page's kernel has run
    the notebook already (`--preheat_kernel`), and after the first load the browser has Voila's scripts
    in its cache, as when moving between lessons. The median of three loads in one tab, each after
    the pool refilled."""
    loads = []
    for _ in range(3):
        time.sleep(POOL_REFILL_SECONDS)
        loads.append(open_lesson(page, voila)[1])
        page.goto("about:blank")  # leave the page, so Voila may shut its kernel down
    record_timing("voila: page request → first quiz visible", statistics.median(loads))
