"""The quiz view itself in JupyterLab: long options that wrap and click true (defect 1), keys that
stay in the quiz (defect 7), every kind at 1400 px and 400 px, in the light and the dark theme, by
mouse only and by keyboard only, each state checked with axe-core and photographed.

One server, one page, one notebook: the lesson's two quizzes are answered wrongly by mouse, then
retried by keyboard; run again, "Practise again" brings them back for the other two looks.
"""

from __future__ import annotations

import json
import shutil

import pytest
from playwright.sync_api import expect

from leaderdeck.course import load_course
from leaderdeck.notebooks import write_notebooks

from .answering import TIMEOUT, expect_feedback, press
from .conftest import ARTIFACTS, FIXTURE_LESSONS
from .test_lab import open_notebook, run_all, switch_theme

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]

LONG = ("The two-way door, because a decision you can walk back through deserves speed, a small trial "
        "and a quick look at the results before anyone spends months studying it in a committee")


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """The fixture course with one long option, which wraps at any width."""
    root = tmp_path_factory.mktemp("quizview")
    shutil.copytree(FIXTURE_LESSONS, root / "lessons")
    lesson = root / "lessons" / "01-doors.yaml"
    lesson.write_text(lesson.read_text().replace("text: The two-way door", f"text: {LONG}"))
    write_notebooks(load_course(root / "lessons"), root)
    settings = root / "jupyter" / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
    notebook = root / "jupyter" / "settings" / "@jupyterlab" / "notebook-extension"
    notebook.mkdir(parents=True)  # headless captures of windowed notebooks leave cells blank
    (notebook / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    return root


def check_axe(quiz, name: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    host = quiz.locator("xpath=..")  # the widget's own element: it stays while the quiz redraws
    host.evaluate("el => el.setAttribute('data-axe', '1')")
    try:
        results = Axe().run(quiz.page, context="[data-axe='1']")
    finally:
        host.evaluate("el => el.removeAttribute('data-axe')")
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]]) for v in results.response["violations"]
           if v["impact"] in ("serious", "critical")]
    assert bad == [], f"{name}: {bad}"


def shoot(quiz, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    quiz.scroll_into_view_if_needed()
    quiz.screenshot(path=str(ARTIFACTS / f"quiz-{name}.png"))


def look(quiz, name: str) -> None:
    check_axe(quiz, name)
    shoot(quiz, name)


# The matrix, in four passes over one page: each width with each theme, each input mode at each
# width and in each theme (a pairwise cover of width × theme × input, every kind in every pass).
# A mouse pass answers wrongly; the keyboard pass after it retries what was missed.
PASSES = (((1400, "light"), (400, "dark")), ((400, "light"), (1400, "dark")))


def test_every_kind_at_both_widths_in_both_themes_by_mouse_and_by_keyboard(page, lab, project):
    page.set_viewport_size({"width": 1400, "height": 1000})
    open_notebook(page, lab, project, "quizview.ipynb")
    run_all(page)
    quizzes = page.locator(".ld-quiz")
    expect(quizzes).to_have_count(2, timeout=60_000)
    assert_the_bar_stays_still_for_less_motion(page)
    for round_, (mouse, keyboard) in enumerate(PASSES):
        if round_:  # run again: answered today, so the quizzes offer to practise those again
            run_all(page)
            for quiz in (quizzes.nth(0), quizzes.nth(1)):
                expect(quiz.locator(".ld-resume")).to_be_visible(timeout=60_000)
                press(quiz, "Practise again")
        set_look(page, *mouse)
        mouse_pass_one_way(quizzes.nth(0), "-".join(map(str, mouse)))
        mouse_pass_two_way(page, quizzes.nth(1), "-".join(map(str, mouse)))
        set_look(page, *keyboard)
        keyboard_pass_one_way(page, quizzes.nth(0), "-".join(map(str, keyboard)))
        keyboard_pass_two_way(page, quizzes.nth(1), "-".join(map(str, keyboard)))
    switch_theme(page, "JupyterLab Light")


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


def mouse_pass_one_way(one, tag: str) -> None:
    """Every kind of the one-way quiz, answered wrongly with the mouse."""
    expect(one.locator(".ld-progress")).to_have_text("Question 1 of 5", timeout=TIMEOUT)
    look(one, f"flashcard-{tag}")
    press(one, "Show answer")
    expect(button(one, "Again")).to_be_visible(timeout=TIMEOUT)
    look(one, f"flashcard-revealed-{tag}")
    press(one, "Again")
    press(one, "Next")
    expect(one.locator(".ld-progress")).to_have_text("Question 2 of 5", timeout=TIMEOUT)
    look(one, f"multi-{tag}")
    one.locator(".ld-option", has_text="Quick experiments").click()
    press(one, "Check")
    expect_feedback(one, "✗ Not quite.")
    look(one, f"multi-checked-{tag}")
    press(one, "Next")
    expect(one.locator(".ld-step")).to_have_count(3, timeout=TIMEOUT)
    look(one, f"order-{tag}")
    press(one, "Check")
    press(one, "Next")
    expect(one.locator(".ld-progress")).to_have_text("Question 4 of 5", timeout=TIMEOUT)
    one.get_by_label("Your answer").fill("Selling our only warehouse.")
    look(one, f"reflection-{tag}")
    press(one, "Compare with a model answer")
    expect(button(one, "Missed it")).to_be_visible(timeout=TIMEOUT)
    look(one, f"reflection-revealed-{tag}")
    press(one, "Missed it")
    press(one, "Next")
    press(one, "Show answer")
    press(one, "Again")
    press(one, "See your results")
    look(one, f"summary-{tag}")


def mouse_pass_two_way(page, two, tag: str) -> None:
    """The cloze (Enter in a box checks), long options that wrap and click true (defect 1), arrow
    keys that stay in the radio group (defect 7), the scenario; wrong where it can be."""
    look(two, f"cloze-{tag}")
    two.get_by_label("Blank 1", exact=True).fill("slowness")
    two.get_by_label("Blank 2", exact=True).fill("experimentation")
    two.get_by_label("Blank 2", exact=True).press("Enter")
    expect_feedback(two, "✗ Not quite.")
    expect_feedback(two, "close: the answer is experiments")
    look(two, f"cloze-checked-{tag}")
    press(two, "Next")

    expect(two.locator(".ld-progress")).to_have_text("Question 2 of 3", timeout=TIMEOUT)
    assert_options_do_not_overlap(two)
    look(two, f"single-{tag}")
    click_second_line(two, LONG[:20])

    active_cell = page.locator(".jp-Notebook .jp-Cell.jp-mod-active")
    cell_before = active_cell.get_attribute("data-windowed-list-index") or active_cell.inner_text()[:40]
    radios = two.locator(".ld-option-input")
    checked = two.locator(".ld-option-input:checked")
    radios.nth(checked_index(two)).focus()
    page.keyboard.press("ArrowDown")
    expect(checked).to_have_count(1)
    after = checked_index(two)
    assert page.evaluate("document.activeElement.classList.contains('ld-option-input')")
    page.keyboard.press("ArrowUp")
    expect(radios.nth((after - 1) % radios.count())).to_be_checked()
    cell_after = active_cell.get_attribute("data-windowed-list-index") or active_cell.inner_text()[:40]
    assert cell_after == cell_before
    two.locator(".ld-option", has_text="The one-way door").click()
    press(two, "Check")
    expect_feedback(two, "✓ The right answer")
    look(two, f"single-checked-{tag}")
    press(two, "Next")
    look(two, f"scenario-{tag}")
    two.locator(".ld-option", has_text="Study it for months").click()
    press(two, "Check")
    press(two, "See your results")


def checked_index(quiz) -> int:
    return quiz.locator(".ld-option-input").evaluate_all("els => els.findIndex(e => e.checked)")


def assert_options_do_not_overlap(quiz) -> None:
    boxes = [row.bounding_box() for row in quiz.locator(".ld-option").all()]
    tall = max(box["height"] for box in boxes)
    assert tall > 50, "the long option should wrap onto a second line"
    for upper, lower in zip(boxes, boxes[1:], strict=False):
        assert upper["y"] + upper["height"] <= lower["y"] + 0.5, f"options overlap: {upper} / {lower}"


def click_second_line(quiz, start: str) -> None:
    text = quiz.locator(".ld-option-text", has_text=start)
    box = text.bounding_box()
    quiz.page.mouse.click(box["x"] + 10, box["y"] + box["height"] - 6)  # the last line of the text
    expect(quiz.locator(".ld-option", has_text=start).locator("input")).to_be_checked(timeout=TIMEOUT)


def key(page, locator, keys: str = "Enter") -> None:
    locator.focus()
    page.keyboard.press(keys)


def button(quiz, name):
    return quiz.get_by_role("button", name=name, exact=True)


def keyboard_pass_one_way(page, quiz, tag: str) -> None:
    key(page, button(quiz, "Retry missed (5)"))
    expect(quiz.locator(".ld-progress")).to_have_text("Question 1 of 5", timeout=TIMEOUT)
    look(quiz, f"flashcard-{tag}")
    key(page, button(quiz, "Show answer"))
    key(page, button(quiz, "Good"))
    key(page, button(quiz, "Next"))
    look(quiz, f"multi-{tag}")
    for label in ("Permanent", "Rare"):
        key(page, quiz.locator(".ld-option", has_text=label).locator("input"), "Space")
    key(page, button(quiz, "Check"))
    expect_feedback(quiz, "✓ Right.")
    look(quiz, f"multi-checked-{tag}")
    key(page, button(quiz, "Next"))
    from .answering import solve_order

    solve_order(quiz, ["Classify the door", "Gather data", "Decide"])
    look(quiz, f"order-{tag}")
    key(page, button(quiz, "Check"))
    look(quiz, f"order-checked-{tag}")
    key(page, button(quiz, "Next"))
    expect(quiz.locator(".ld-progress")).to_have_text("Question 4 of 5", timeout=TIMEOUT)
    # the reflection comes back with what the learner wrote in the first pass (from the store)
    expect(quiz.locator(".ld-previous")).to_contain_text("Selling our only warehouse.", timeout=TIMEOUT)
    quiz.get_by_label("Your answer").focus()
    page.keyboard.type("Closing a site.")
    key(page, button(quiz, "Compare with a model answer"))
    look(quiz, f"reflection-{tag}")
    key(page, button(quiz, "Mostly"))
    key(page, button(quiz, "Next"))
    key(page, button(quiz, "Show answer"))
    key(page, button(quiz, "Easy"))
    key(page, button(quiz, "See your results"))
    expect(quiz.locator(".ld-summary")).to_contain_text("You got 5 of 5 right.", timeout=TIMEOUT)
    look(quiz, f"summary-{tag}")


def keyboard_pass_two_way(page, quiz, tag: str) -> None:
    key(page, button(quiz, "Retry missed (3)"))
    expect(quiz.locator(".ld-progress")).to_have_text("Question 1 of 3", timeout=TIMEOUT)
    look(quiz, f"cloze-{tag}")
    quiz.get_by_label("Blank 1", exact=True).focus()
    page.keyboard.type("velocity")
    page.keyboard.press("Enter")
    expect_feedback(quiz, "✗ Not quite.")
    key(page, button(quiz, "I was right"))
    expect_feedback(quiz, "Counted as right")
    look(quiz, f"cloze-override-{tag}")
    key(page, button(quiz, "Next"))
    expect(quiz.locator(".ld-progress")).to_have_text("Question 2 of 3", timeout=TIMEOUT)
    assert_options_do_not_overlap(quiz)
    look(quiz, f"single-{tag}")
    radios = quiz.locator(".ld-option-input")
    radios.first.focus()
    page.keyboard.press("Space")
    while not quiz.locator(".ld-option", has_text=LONG[:20]).locator("input").is_checked():
        page.keyboard.press("ArrowDown")
    key(page, button(quiz, "Check"))
    expect_feedback(quiz, "✓ Right.")
    look(quiz, f"single-checked-{tag}")
    key(page, button(quiz, "Next"))
    look(quiz, f"scenario-{tag}")
    quiz.locator(".ld-option", has_text="Decide fast").locator("input").focus()
    page.keyboard.press("Space")
    key(page, button(quiz, "Check"))
    key(page, button(quiz, "See your results"))
    expect(quiz.locator(".ld-summary")).to_contain_text("You got 3 of 3 right.", timeout=TIMEOUT)
