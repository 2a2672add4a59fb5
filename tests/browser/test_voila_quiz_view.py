"""The quiz view in Voila, as `leaderdeck serve` shows it: the notebook with every kind that the
JupyterLab test answers (`test_quiz_view`), answered with the same passes, by mouse only and by
keyboard only, at 1400 px and 400 px, in the light and the dark theme, each state checked with
axe-core (zero serious or critical violations), each mouse pass's states photographed.

One page per theme: Voila draws its theme on the server, so the page is loaded once light and once
dark, and the width changes in place. By default each load has a mouse pass (answering wrongly) at
one width and the keyboard pass retrying what it missed at the other, so every kind is answered
by mouse and by keyboard at both widths and in both themes. LEADERDECK_BROWSER_FULL=1 runs all
eight combinations, as the JupyterLab test does (two loads per theme).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .answering import TIMEOUT, press
from .conftest import build_course, local_page, screenshot
from .quiz_passes import (
    LOOKS,
    Looks,
    every_kind,
    keyboard_pass_more,
    keyboard_pass_one_way,
    keyboard_pass_two_way,
    mouse_pass_more,
    mouse_pass_one_way,
    mouse_pass_two_way,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]

FULL = os.environ.get("LEADERDECK_BROWSER_FULL") == "1"
# (mouse look, keyboard look) per page load; a load's looks share its theme
PAIRS = LOOKS if FULL else (((1400, "light"), (400, "light")), ((400, "dark"), (1400, "dark")))


@pytest.fixture(scope="module")
def lesson(voila) -> Path:
    """The every-kind course inside the folder the session's Voila serves, its lesson notebook as
    built; the kernel finds the course's lessons from the notebook's own folder, as a learner's does."""
    course = build_course(voila.course / "notebooks" / "quizview", edit=every_kind)
    return course / "notebooks" / "01-doors.ipynb"


def open_quizzes(page, voila, lesson: Path, theme: str):
    path = lesson.relative_to(voila.course / "notebooks").as_posix()
    page.goto(f"{voila.base}/voila/render/{path}?theme={theme}", timeout=90_000)
    expect(page.locator("body")).to_have_attribute("data-jp-theme-light", str(theme == "light").lower())
    quizzes = page.locator(".ld-quiz")
    expect(quizzes).to_have_count(3, timeout=90_000)
    expect(quizzes.first.locator(".ld-resume, .ld-progress").first).to_be_visible(timeout=TIMEOUT)
    tab_into_the_first_quiz(page)
    for quiz in quizzes.all():  # answered today (by an earlier load or test): practise them again
        expect(quiz.locator(".ld-resume, .ld-progress").first).to_be_visible(timeout=TIMEOUT)
        if quiz.locator(".ld-resume").count():
            press(quiz, "Practise again")
    return quizzes.nth(0), quizzes.nth(1), quizzes.nth(2)


def test_every_kind_in_voila_at_both_widths_in_both_themes_by_mouse_and_by_keyboard(chromium, voila, lesson):
    with local_page(chromium, strict=True, width=1400, height=1000) as page:  # the app fetches nothing outside
        for mouse, keyboard in PAIRS:
            assert mouse[1] == keyboard[1], "one theme per page load"
            one, two, more = open_quizzes(page, voila, lesson, mouse[1])
            look = Looks("-".join(map(str, mouse)), shots=True, prefix="voila-quiz")
            set_width(page, mouse[0])
            mouse_pass_one_way(one, look)
            mouse_pass_two_way(page, two, look)
            mouse_pass_more(more, look)
            look = Looks("-".join(map(str, keyboard)), shots=False)  # axe only, as in JupyterLab
            set_width(page, keyboard[0])
            keyboard_pass_one_way(page, one, look)
            keyboard_pass_two_way(page, two, look)
            keyboard_pass_more(page, more, look)
            if not FULL or keyboard[0] == 400:
                screenshot(page, f"voila-quizview-{keyboard[0]}-{keyboard[1]}")  # the whole lesson, answered


# Where Tab has put focus: is it drawn with a focus ring, is it in the first quiz.
_FOCUS = """() => {
  const e = document.activeElement, r = e.getBoundingClientRect(), s = getComputedStyle(e);
  return {name: `${e.tagName} ${e.getAttribute('aria-label') || e.innerText.slice(0, 30)}`,
          shown: r.width > 0 && r.height > 0 && s.visibility === 'visible'
                 && (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 || s.boxShadow !== 'none'),
          quiz: !!e.closest('.ld-quiz') && e.closest('.ld-quiz') === document.querySelector('.ld-quiz')};
}"""


def tab_into_the_first_quiz(page, most: int = 10) -> None:
    """Keyboard only, from the top of a freshly loaded page: Tab reaches the first quiz within a
    few stops (the lesson's links), each drawn with a visible focus ring."""
    stops = []
    for _ in range(most):
        page.keyboard.press("Tab")
        stop = page.evaluate(_FOCUS)
        stops.append(stop["name"])
        assert stop["shown"], f"Tab stop without a visible focus ring: {stop['name']} (after {stops[:-1]})"
        if stop["quiz"]:
            return
    raise AssertionError(f"{most} Tab stops and not yet in the first quiz: {stops}")


def set_width(page, width: int) -> None:
    """The width changes in place; at either width the lesson fits it (no scrolling sideways)."""
    page.set_viewport_size({"width": width, "height": 1000 if width > 600 else 900})
    sideways = page.evaluate("""() => new Promise(done => requestAnimationFrame(() => done(
        [...document.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > innerWidth + 1
          || e.scrollWidth > e.clientWidth + 1 && ['auto', 'scroll'].includes(getComputedStyle(e).overflowX))
        .map(e => `${e.tagName}.${e.className} ${e.scrollWidth}/${e.clientWidth}`))))""")
    assert sideways == [], f"at {width} px these scroll sideways or stick out: {sideways[:5]}"
