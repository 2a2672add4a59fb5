"""The quiz view itself in JupyterLab: long options that wrap and click true (defect 1), keys that
stay in the quiz (defect 7), a chosen option that stays as clear once answered, and every kind at
1400 px and 400 px, in the light and the dark theme, by mouse only and by keyboard only: all eight
combinations, each state checked with axe-core and (once per look) photographed.

One page, one kernel, one notebook with three quizzes (every kind): a mouse pass answers them
wrongly, the keyboard pass after it retries what was missed; run again, "Practise again" brings
them back for the next pair. The width changes in place, the theme once.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .answering import press
from .conftest import fresh_course
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
from .test_lab import open_notebook, run_all, switch_theme

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(420)]


@pytest.fixture(scope="module")
def project(lab):
    return fresh_course(lab, "quizview", edit=every_kind)


def test_every_kind_at_both_widths_in_both_themes_by_mouse_and_by_keyboard(page, lab, project):
    page.set_viewport_size({"width": 1400, "height": 1000})
    open_notebook(page, lab, project, "quizview.ipynb")
    run_all(page)
    quizzes = page.locator(".ld-quiz")
    expect(quizzes).to_have_count(3, timeout=60_000)
    assert_the_bar_stays_still_for_less_motion(page)
    one, two, more = quizzes.nth(0), quizzes.nth(1), quizzes.nth(2)
    for round_, (mouse, keyboard) in enumerate(LOOKS):
        if round_:  # run again: answered today, so the quizzes offer to practise those again
            run_all(page)
            for quiz in (one, two, more):
                expect(quiz.locator(".ld-resume")).to_be_visible(timeout=60_000)
                press(quiz, "Practise again")
        look = Looks("-".join(map(str, mouse)), shots=True)
        set_look(page, *mouse)
        mouse_pass_one_way(one, look)
        mouse_pass_two_way(page, two, look)
        mouse_pass_more(more, look)
        look = Looks("-".join(map(str, keyboard)), shots=False)  # the same looks as a mouse pass's
        set_look(page, *keyboard)
        keyboard_pass_one_way(page, one, look)
        keyboard_pass_two_way(page, two, look)
        keyboard_pass_more(page, more, look)
    switch_theme(page, "JupyterLab Light")  # the server's settings outlive this module


def set_look(page, width: int, theme: str) -> None:
    name = f"JupyterLab {theme.title()}"
    if page.locator("body").get_attribute("data-jp-theme-name") != name:
        switch_theme(page, name)
    sidebar = page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current")
    if width < 600 and sidebar.count():
        sidebar.click()  # a phone has no room for it
    page.set_viewport_size({"width": width, "height": 1000 if width > 600 else 900})


def assert_the_bar_stays_still_for_less_motion(page) -> None:
    """prefers-reduced-motion: the progress bar jumps instead of sliding."""
    bar = page.locator(".ld-bar-fill").first
    assert bar.evaluate("el => getComputedStyle(el).transitionDuration") != "0s"
    page.emulate_media(reduced_motion="reduce")
    assert bar.evaluate("el => getComputedStyle(el).transitionDuration") == "0s"
    page.emulate_media(reduced_motion="no-preference")
