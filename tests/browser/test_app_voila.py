"""`leaderdeck serve` as an app: its home is the course, lessons link to each other, it speaks no
Jupyter, fetches nothing from the internet and shows a lesson's first quiz quickly."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from .conftest import record_timing, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]
JUPYTER_WORDS = re.compile(r"shift\s*\+\s*enter|run (the|this|each|it|all)|\bcells?\b|kernel|jupyter|"
                           r"leaderdeck serve|notebook|\.ipynb", re.IGNORECASE)


# The page's visible text, leaving out the author's (`.ld-text`: the fixture course talks of notebooks).
_OUR_WORDS = """() => {
  const authored = [...document.querySelectorAll('.ld-text')];
  authored.forEach(e => e.style.setProperty('display', 'none'));
  const text = document.body.innerText;
  authored.forEach(e => e.style.removeProperty('display'));
  return text;
}"""


def expect_no_jupyter_words(page) -> None:
    found = [m.group(0) for m in JUPYTER_WORDS.finditer(page.evaluate(_OUR_WORDS))]
    assert found == [], found


def wait_for_warm_kernel(app, name: str, seconds: float = 90) -> None:
    """The lesson's pre-heated kernel is ready (Voila logs it); right after start it may not be."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if f"Kernel pool of {name} is filled" in app.log.read_text():
            return
        time.sleep(0.25)
    raise TimeoutError(f"no warm kernel for {name}")


def test_the_app_opens_on_the_course_and_moves_between_lessons(strict_page, voila):
    page = strict_page
    page.goto(f"{voila.base}/", timeout=90_000)
    expect(page).to_have_url(re.compile(r"/voila/render/00-start-here\.ipynb"), timeout=30_000)
    board = page.locator(".ld-dashboard")
    expect(board).to_be_visible(timeout=90_000)
    expect(board.get_by_role("link", name="today's review")).to_be_visible()
    expect(page.get_by_text("All lessons")).to_be_hidden()  # JupyterLab's plain list; the app has the board
    expect_no_jupyter_words(page)
    screenshot(page, "app-voila-start")
    wait_for_warm_kernel(voila, "01-doors.ipynb")

    start = time.perf_counter()
    board.get_by_role("link", name="Doors").click()
    expect(page.locator(".ld-quiz").first).to_be_visible(timeout=30_000)
    seconds = time.perf_counter() - start
    record_timing("voila app: lesson link → first quiz visible", seconds)  # its target is benchmarks' to judge
    expect_no_jupyter_words(page)
    width = page.locator(".jp-RenderedHTMLCommon").first.evaluate("e => e.getBoundingClientRect().width")
    font = page.locator(".jp-RenderedHTMLCommon").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert width <= 44 * font + 1, "prose wider than 44em"
    screenshot(page, "app-voila-lesson")

    page.get_by_role("link", name="A second lesson").first.click()
    expect(page.get_by_text("Lesson 2 of 2")).to_have_count(2, timeout=60_000)
    page.get_by_role("link", name="Doors").first.click()  # ← Previous
    expect(page).to_have_url(re.compile(r"01-doors\.ipynb"), timeout=60_000)
    page.get_by_role("link", name="Contents").first.click()
    expect(page.locator(".ld-dashboard")).to_be_visible(timeout=90_000)
