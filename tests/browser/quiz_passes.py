"""Every quiz kind answered in a browser, by mouse and by keyboard, with axe-core on each state:
the passes the JupyterLab test (`test_quiz_view`) and the Voila test (`test_voila_quiz_view`) share.

The notebook is the fixture lesson made to hold every kind (`every_kind`): three quizzes. A mouse
pass answers them wrongly; the keyboard pass after it retries what was missed. Both work on any
page showing the quizzes: only what the front end draws around them differs.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import yaml
from playwright.sync_api import expect

from .answering import TIMEOUT, expect_feedback, press, solve_order
from .conftest import ARTIFACTS

LONG = ("The two-way door, because a decision you can walk back through deserves speed, a small trial "
        "and a quick look at the results before anyone spends months studying it in a committee")
KINDS_LESSONS = Path(__file__).parent.parent / "kinds" / "fixtures" / "lessons"


def every_kind(lessons: Path) -> None:
    """The fixture lesson with one long option, and a third concept asking the match and explain
    kinds (items borrowed from the kinds' own fixture course)."""
    path = lessons / "01-doors.yaml"
    lesson = yaml.safe_load(path.read_text().replace("text: The two-way door", f"text: {LONG}"))
    borrowed = {item["id"]: item for name in ("01-doors.yaml", "02-flywheel.yaml")
                for item in yaml.safe_load((KINDS_LESSONS / name).read_text())["items"]}
    lesson["concepts"].append({"id": "more", "title": "Matching and explaining", "body": "Two more kinds."})
    lesson["items"] += [{**borrowed["door-cases"], "concept": "more"},
                        {**borrowed["explain-slow-start"], "concept": "more"}]
    path.write_text(yaml.safe_dump(lesson, sort_keys=False, allow_unicode=True))



def check_axe(quiz, name: str) -> None:
    """axe-core on the quiz's own element (it stays while the quiz redraws); injected once a page."""
    page = quiz.page
    if not page.evaluate("() => !!window.axe"):
        from axe_playwright_python.sync_playwright import Axe

        page.evaluate(Axe().axe_script)
    host = quiz.locator("xpath=..")  # the widget's own element: it stays while the quiz redraws
    host.evaluate("el => el.setAttribute('data-axe', '1')")
    try:
        results = page.evaluate("() => axe.run('[data-axe]', {resultTypes: ['violations']})")
    finally:
        host.evaluate("el => el.removeAttribute('data-axe')")
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]]) for v in results["violations"]
           if v["impact"] in ("serious", "critical")]
    assert bad == [], f"{name}: {bad}"


class Looks:
    """axe in every state of every pass; a screenshot of each state once per look (width, theme)."""

    def __init__(self, tag: str, shots: bool, prefix: str = "quiz") -> None:
        self.tag, self.shots, self.prefix = tag, shots, prefix

    def __call__(self, quiz, name: str) -> None:
        check_axe(quiz, f"{name}-{self.tag}")
        if self.shots:
            ARTIFACTS.mkdir(exist_ok=True)
            quiz.scroll_into_view_if_needed()
            quiz.screenshot(path=str(ARTIFACTS / f"{self.prefix}-{name}-{self.tag}.png"))


# Each input mode at each width in each theme: 8 passes, one theme switch. Mouse passes answer
# wrongly, each keyboard pass right after retries what its mouse pass missed. A mouse pass checks
# every state with axe; a keyboard pass checks each kind once answered (rightly: states a mouse
# pass never reaches), since a question not yet answered is the same page in the same look.
LOOKS = (((1400, "light"), (400, "light")), ((400, "light"), (1400, "light")),
         ((1400, "dark"), (400, "dark")), ((400, "dark"), (1400, "dark")))



def box_pixels(control) -> list[int]:
    """The middle of a check box or radio, as drawn: every pixel of its inner 60%."""
    from PIL import Image

    image = Image.open(io.BytesIO(control.screenshot())).convert("RGB")
    w, h = image.size
    return list(image.crop((int(w * 0.2), int(h * 0.2), int(w * 0.8), int(h * 0.8))).tobytes())


def assert_chosen_reads_the_same_once_answered(quiz, label: str, before: list[int]) -> None:
    """Checking disables the options; the one chosen must look exactly as chosen as before (a
    disabled native check box is drawn dimmed in Chromium), and not like one left unticked."""
    row = quiz.locator(".ld-option", has_text=label)
    box = row.locator("input")
    expect(box).to_be_disabled(timeout=TIMEOUT)
    assert box_pixels(box) == before, "the chosen option's box changed once answered"
    assert box.evaluate("el => getComputedStyle(el).opacity") == "1"
    unticked = quiz.locator(".ld-option:not(:has(input:checked)) input").first
    assert box_pixels(unticked) != before, "a chosen box must not look like an empty one"


def mouse_pass_one_way(one, look: Looks) -> None:
    """Every kind of the one-way quiz, answered wrongly with the mouse."""
    expect(one.locator(".ld-progress")).to_have_text("Question 1 of 5", timeout=TIMEOUT)
    look(one, "flashcard")
    press(one, "Show answer")
    expect(button(one, "Again")).to_be_visible(timeout=TIMEOUT)
    look(one, "flashcard-revealed")
    press(one, "Again")
    press(one, "Next")
    expect(one.locator(".ld-progress")).to_have_text("Question 2 of 5", timeout=TIMEOUT)
    look(one, "multi")
    row = one.locator(".ld-option", has_text="Quick experiments")
    row.click()
    expect(row).to_have_class(re.compile(r"\bld-selected\b"), timeout=TIMEOUT)  # drawn again as chosen
    chosen = box_pixels(row.locator("input"))
    press(one, "Check")
    expect_feedback(one, "✗ Not quite.")
    assert_chosen_reads_the_same_once_answered(one, "Quick experiments", chosen)
    look(one, "multi-checked")
    press(one, "Next")
    expect(one.locator(".ld-step")).to_have_count(3, timeout=TIMEOUT)
    look(one, "order")
    press(one, "Check")
    press(one, "Next")
    expect(one.locator(".ld-progress")).to_have_text("Question 4 of 5", timeout=TIMEOUT)
    one.get_by_label("Your answer").fill("Selling our only warehouse.")
    look(one, "reflection")
    press(one, "Compare with a model answer")
    expect(button(one, "Missed it")).to_be_visible(timeout=TIMEOUT)
    look(one, "reflection-revealed")
    press(one, "Missed it")
    press(one, "Next")
    press(one, "Show answer")
    press(one, "Again")
    press(one, "See your results")
    expect(one.locator(".ld-summary")).to_contain_text("You got 0 of 5 right.", timeout=TIMEOUT)
    look(one, "summary")


def mouse_pass_two_way(page, two, look: Looks) -> None:
    """The cloze (Enter in a box checks), long options that wrap and click true (defect 1), arrow
    keys that stay in the radio group (defect 7), the scenario; wrong where it can be."""
    look(two, "cloze")
    two.get_by_label("Blank 1", exact=True).fill("slowness")
    two.get_by_label("Blank 2", exact=True).fill("experimentation")
    two.get_by_label("Blank 2", exact=True).press("Enter")
    expect_feedback(two, "✗ Not quite.")
    expect_feedback(two, "close: the answer is experiments")
    look(two, "cloze-checked")
    press(two, "Next")

    expect(two.locator(".ld-progress")).to_have_text("Question 2 of 3", timeout=TIMEOUT)
    assert_options_do_not_overlap(two)
    look(two, "single")
    click_second_line(two, LONG[:20])

    cell_before = active_cell(page)
    radios = two.locator(".ld-option-input")
    checked = two.locator(".ld-option-input:checked")
    radios.nth(checked_index(two)).focus()
    page.keyboard.press("ArrowDown")
    expect(checked).to_have_count(1)
    after = checked_index(two)
    assert page.evaluate("document.activeElement.classList.contains('ld-option-input')")
    page.keyboard.press("ArrowUp")
    expect(radios.nth((after - 1) % radios.count())).to_be_checked()
    assert active_cell(page) == cell_before
    two.locator(".ld-option", has_text="The one-way door").click()
    press(two, "Check")
    expect_feedback(two, "✓ The right answer")
    look(two, "single-checked")
    press(two, "Next")
    look(two, "scenario")
    two.locator(".ld-option", has_text="Study it for months").click()
    press(two, "Check")
    press(two, "See your results")
    expect(two.locator(".ld-summary")).to_be_visible(timeout=TIMEOUT)  # drawn, focus in it


def active_cell(page) -> str | None:
    """JupyterLab's selected cell, which arrow keys in a quiz must not move; None where the page
    has no cell selection (Voila)."""
    cell = page.locator(".jp-Notebook .jp-Cell.jp-mod-active")
    if not cell.count():
        return None
    return cell.get_attribute("data-windowed-list-index") or cell.inner_text()[:40]


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
    expect(locator).to_be_focused(timeout=TIMEOUT)
    page.keyboard.press(keys)


def button(quiz, name):
    return quiz.get_by_role("button", name=name, exact=True)


def keyboard_pass_one_way(page, quiz, look: Looks) -> None:
    key(page, button(quiz, "Retry missed (5)"))
    expect(quiz.locator(".ld-progress")).to_have_text("Question 1 of 5", timeout=TIMEOUT)
    key(page, button(quiz, "Show answer"))
    key(page, button(quiz, "Good"))
    expect_feedback(quiz, "Graded Good.")
    look(quiz, "flashcard-rated")
    key(page, button(quiz, "Next"))
    for label in ("Permanent", "Rare"):
        key(page, quiz.locator(".ld-option", has_text=label).locator("input"), "Space")
    key(page, button(quiz, "Check"))
    expect_feedback(quiz, "✓ Right.")
    look(quiz, "multi-checked")
    key(page, button(quiz, "Next"))
    solve_order(quiz, ["Classify the door", "Gather data", "Decide"])
    key(page, button(quiz, "Check"))
    look(quiz, "order-checked")
    key(page, button(quiz, "Next"))
    expect(quiz.locator(".ld-progress")).to_have_text("Question 4 of 5", timeout=TIMEOUT)
    # the reflection comes back with what the learner wrote in the first pass (from the store)
    expect(quiz.locator(".ld-previous")).to_contain_text("Selling our only warehouse.", timeout=TIMEOUT)
    quiz.get_by_label("Your answer").focus()
    page.keyboard.type("Closing a site.")
    key(page, button(quiz, "Compare with a model answer"))
    look(quiz, "reflection")
    key(page, button(quiz, "Mostly"))
    key(page, button(quiz, "Next"))
    key(page, button(quiz, "Show answer"))
    key(page, button(quiz, "Easy"))
    key(page, button(quiz, "See your results"))
    expect(quiz.locator(".ld-summary")).to_contain_text("You got 5 of 5 right.", timeout=TIMEOUT)
    look(quiz, "summary")


def keyboard_pass_two_way(page, quiz, look: Looks) -> None:
    key(page, button(quiz, "Retry missed (3)"))
    expect(quiz.locator(".ld-progress")).to_have_text("Question 1 of 3", timeout=TIMEOUT)
    quiz.get_by_label("Blank 1", exact=True).focus()
    page.keyboard.type("velocity")
    page.keyboard.press("Enter")
    expect_feedback(quiz, "✗ Not quite.")
    key(page, button(quiz, "I was right"))
    expect_feedback(quiz, "Counted as right")
    look(quiz, "cloze-override")
    key(page, button(quiz, "Next"))
    expect(quiz.locator(".ld-progress")).to_have_text("Question 2 of 3", timeout=TIMEOUT)
    assert_options_do_not_overlap(quiz)
    radios = quiz.locator(".ld-option-input")
    radios.first.focus()
    page.keyboard.press("Space")
    while not quiz.locator(".ld-option", has_text=LONG[:20]).locator("input").is_checked():
        page.keyboard.press("ArrowDown")
    key(page, button(quiz, "Check"))
    expect_feedback(quiz, "✓ Right.")
    look(quiz, "single-checked")
    key(page, button(quiz, "Next"))
    quiz.locator(".ld-option", has_text="Decide fast").locator("input").focus()
    page.keyboard.press("Space")
    key(page, button(quiz, "Check"))
    expect_feedback(quiz, "✓ Right.")
    look(quiz, "scenario-checked")
    key(page, button(quiz, "See your results"))
    expect(quiz.locator(".ld-summary")).to_contain_text("You got 3 of 3 right.", timeout=TIMEOUT)


def mouse_pass_more(quiz, look: Looks) -> None:
    """A match with one pair wrong, chosen from each select; an explanation graded with no point
    ticked (graded Again), clicked."""
    expect(quiz.locator(".ld-pair")).to_have_count(3, timeout=TIMEOUT)
    look(quiz, "match")
    for left, right in (("Selling the company", "One-way door"), ("Trying a new", "One-way door"),
                        ("Testing a price", "Two-way door")):
        quiz.get_by_label(left).select_option(label=right)
    press(quiz, "Check")
    expect_feedback(quiz, "✗ Not quite.")
    expect_feedback(quiz, "it matches Two-way door")
    expect(quiz.locator(".ld-pair.ld-wrong")).to_have_count(1)
    look(quiz, "match-checked")
    press(quiz, "Next")
    quiz.get_by_label("Your explanation").fill("It just is slow.")
    press(quiz, "Check against the rubric")
    expect(quiz.locator(".ld-option-input")).to_have_count(3, timeout=TIMEOUT)
    look(quiz, "explain-rubric")
    press(quiz, "Grade my explanation")
    expect_feedback(quiz, "0 of 3 points: graded Again.")
    look(quiz, "explain-graded")
    press(quiz, "See your results")
    expect(quiz.locator(".ld-summary")).to_be_visible(timeout=TIMEOUT)


def keyboard_pass_more(page, quiz, look: Looks) -> None:
    """Arrow keys in each select, Enter on the buttons; the explanation typed, two points ticked
    with Space."""
    key(page, button(quiz, "Retry missed (2)"))
    expect(quiz.locator(".ld-pair")).to_have_count(1, timeout=TIMEOUT)  # only the pair missed comes back
    for left, right in (("Trying a new", "Two-way door"),):
        select = quiz.get_by_label(left)
        select.focus()
        wanted = select.locator("option").all_inner_texts().index(right)
        for _ in range(wanted - select.evaluate("el => el.selectedIndex")):
            page.keyboard.press("ArrowDown")
        expect(select.locator("option:checked")).to_have_text(right)
    key(page, button(quiz, "Check"))
    expect_feedback(quiz, "✓ Right.")
    look(quiz, "match-checked")
    key(page, button(quiz, "Next"))
    quiz.get_by_label("Your explanation").focus()
    page.keyboard.type("Each turn builds on the last, and early turns show little.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "Check against the rubric"
    boxes = quiz.locator(".ld-option-input")
    expect(boxes).to_have_count(3, timeout=TIMEOUT)
    for index in (0, 1):
        boxes.nth(index).focus()
        page.keyboard.press("Space")
    key(page, button(quiz, "Grade my explanation"))
    expect_feedback(quiz, "2 of 3 points: graded Hard.")
    look(quiz, "explain-graded")
    key(page, button(quiz, "See your results"))
    expect(quiz.locator(".ld-summary")).to_be_visible(timeout=TIMEOUT)
