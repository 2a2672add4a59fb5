"""Answer the fixture lesson's quizzes in a browser, once wrongly and once rightly, by clicking
and typing as a learner would, asserting the feedback shown after each answer.

The fixture lesson `doors` has two concept quizzes:
- one-way: flashcard, multi-select choice, order, reflection, then the flashcard's reverse card;
- two-way: cloze (two blanks), single choice, scenario choice.
"""

from __future__ import annotations

from playwright.sync_api import Locator, expect

RIGHT, WRONG = "✓ Right.", "✗ Not quite."
TIMEOUT = 20_000


def press(quiz: Locator, name: str) -> None:
    quiz.get_by_role("button", name=name, exact=True).click()


def from_question_one(quiz: Locator) -> None:
    """A quiz answered today (the session's servers share one store between tests) resumes on
    "answered today": practise again, so the test starts at question 1 whatever ran before it."""
    if quiz.locator(".ld-resume").count():
        press(quiz, "Practise again")


def feedback(quiz: Locator) -> Locator:
    return quiz.locator(".ld-feedback").last


def expect_feedback(quiz: Locator, text: str) -> None:
    expect(feedback(quiz)).to_contain_text(text, timeout=TIMEOUT)


def next_question(quiz: Locator, progress: str) -> None:
    press(quiz, "Next")
    expect(quiz.locator(".ld-progress")).to_have_text(f"Question {progress}", timeout=TIMEOUT)


def finish(quiz: Locator, summary: str) -> None:
    press(quiz, "See your results")
    expect(quiz.locator(".ld-summary")).to_contain_text(summary, timeout=TIMEOUT)


def self_grade(quiz: Locator, reveal: str, grade: str) -> None:
    press(quiz, reveal)
    press(quiz, grade)
    expect_feedback(quiz, f"Graded {grade}.")


def choose(quiz: Locator, *labels: str) -> None:
    for label in labels:
        quiz.locator(".ld-option", has_text=label).click()  # the whole row is the target
        expect(quiz.locator(".ld-option", has_text=label).locator("input")).to_be_checked(timeout=TIMEOUT)
    press(quiz, "Check")


def type_blanks(quiz: Locator, *answers: str) -> None:
    for number, answer in enumerate(answers, start=1):
        box = quiz.get_by_label(f"Blank {number}", exact=True)
        box.click()
        box.press_sequentially(answer)
    press(quiz, "Check")


def order_labels(quiz: Locator) -> list[str]:
    return [text.strip() for text in quiz.locator(".ld-step-text").all_inner_texts()]


def solve_order(quiz: Locator, wanted: list[str]) -> None:
    """Bubble sort with the keyboard: focus a step's Move down button, press Enter; focus must
    stay on that step's buttons after it moves."""
    expect(quiz.locator(".ld-step")).to_have_count(len(wanted), timeout=TIMEOUT)
    for _ in range(len(wanted)):
        for position in range(len(wanted) - 1):
            labels = order_labels(quiz)
            if wanted.index(labels[position]) > wanted.index(labels[position + 1]):
                quiz.get_by_role("button", name=f"Move down: {labels[position]}", exact=True).focus()
                quiz.page.keyboard.press("Enter")
                expect(quiz.locator(".ld-step").nth(position)).to_contain_text(labels[position + 1], timeout=TIMEOUT)
                focused = quiz.page.evaluate("document.activeElement.getAttribute('aria-label')")
                assert focused.endswith(labels[position]), focused
    assert order_labels(quiz) == wanted


def answer_one_way_quiz(quiz: Locator) -> None:
    expect(quiz.locator(".ld-progress")).to_have_text("Question 1 of 5", timeout=TIMEOUT)
    self_grade(quiz, "Show answer", "Again")
    next_question(quiz, "2 of 5")
    choose(quiz, "Permanent", "Quick experiments")
    expect_feedback(quiz, WRONG)
    expect_feedback(quiz, "✓ Also right: Rare")
    next_question(quiz, "3 of 5")
    press(quiz, "Check")  # the starting order is never the solved one
    expect_feedback(quiz, WRONG)
    expect_feedback(quiz, "The right order:")
    next_question(quiz, "4 of 5")
    quiz.get_by_label("Your answer").fill("Selling our only warehouse.")
    self_grade(quiz, "Compare with a model answer", "Missed it")
    expect(quiz.locator(".ld-answer")).to_contain_text("Closing the old office is one-way.")
    next_question(quiz, "5 of 5")
    expect(quiz.locator(".ld-card")).to_contain_text("Recall what this answers")
    self_grade(quiz, "Show answer", "Again")
    finish(quiz, "You got 0 of 5 right.")
    press(quiz, "Retry missed (5)")
    expect(quiz.locator(".ld-progress")).to_have_text("Question 1 of 5", timeout=TIMEOUT)
    self_grade(quiz, "Show answer", "Good")
    next_question(quiz, "2 of 5")
    choose(quiz, "Permanent", "Rare")
    expect_feedback(quiz, RIGHT)
    next_question(quiz, "3 of 5")
    solve_order(quiz, ["Classify the door", "Gather data", "Decide"])
    press(quiz, "Check")
    expect_feedback(quiz, RIGHT)
    next_question(quiz, "4 of 5")
    quiz.get_by_label("Your answer").fill("Closing a site.")
    self_grade(quiz, "Compare with a model answer", "Mostly")
    next_question(quiz, "5 of 5")
    self_grade(quiz, "Show answer", "Easy")
    finish(quiz, "You got 5 of 5 right.")


def answer_two_way_quiz(quiz: Locator) -> None:
    expect(quiz.locator(".ld-progress")).to_have_text("Question 1 of 3", timeout=TIMEOUT)
    expect(quiz.get_by_label("Blank 1", exact=True)).to_have_attribute("placeholder", "how fast")
    type_blanks(quiz, "slowness", "experiments")
    expect_feedback(quiz, WRONG)
    expect_feedback(quiz, "the answer is speed")
    next_question(quiz, "2 of 3")
    choose(quiz, "The one-way door")
    expect_feedback(quiz, "✗ You chose: The one-way door")
    expect_feedback(quiz, "That one is permanent.")
    next_question(quiz, "3 of 3")
    expect(quiz.locator(".ld-scenario")).to_contain_text("one-month trial")
    choose(quiz, "Study it for months")
    expect_feedback(quiz, WRONG)
    finish(quiz, "You got 0 of 3 right.")
    press(quiz, "Retry missed (3)")
    expect(quiz.locator(".ld-prompt").first).to_contain_text("experiments")  # the right blank stays filled in
    expect(quiz.get_by_label("Blank 2", exact=True)).to_have_count(0)  # only the wrong one is asked again
    type_blanks(quiz, " Speed")
    expect_feedback(quiz, RIGHT)
    next_question(quiz, "2 of 3")
    choose(quiz, "The two-way door")
    expect_feedback(quiz, "✓ You chose: The two-way door")
    next_question(quiz, "3 of 3")
    choose(quiz, "Decide fast and try it")
    expect_feedback(quiz, RIGHT)
    finish(quiz, "You got 3 of 3 right.")
