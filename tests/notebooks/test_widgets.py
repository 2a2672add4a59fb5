"""The widgets, driven as a learner would: set `.value`, call `.click()`, read feedback and answers."""

from __future__ import annotations

import re

import pytest

from leaderdeck.events import Rating
from leaderdeck.quizzes import cards, quiz
from leaderdeck.quizzes.session import Session, lesson_steps
from leaderdeck.quizzes.view import QuizView

from .conftest import FIXTURE_LESSONS


def text_of(widget) -> str:
    """All visible text under a widget, tags stripped."""
    parts = [getattr(widget, "value", "") if isinstance(getattr(widget, "value", ""), str) else "",
             getattr(widget, "description", "") or ""]
    parts += [text_of(child) for child in getattr(widget, "children", ())]
    return re.sub(r"<[^>]+>", "", " ".join(p for p in parts if p))


@pytest.fixture
def answers():
    return []


def view_for(course, clock, answers, item_id: str, reverse: bool = False) -> QuizView:
    steps = [s for s in lesson_steps(course, "doors") if s.item.id == item_id and s.reverse == reverse]
    return QuizView(Session(tuple(steps)), answers.append, clock=clock)


def feedback(view: QuizView) -> str:
    return text_of(view.card.feedback)


def test_flashcard_reveals_then_self_grades(course, clock, answers):
    view = view_for(course, clock, answers, "define-one-way")
    card = view.card
    assert "one-way door" in text_of(card.widget) and "cannot undo" not in text_of(card.widget)
    card.reveal_button.click()
    assert "A decision you cannot undo." in text_of(card.answer_area)
    assert card.reveal_button.disabled
    card.rating.children[2].click()  # Again, Hard, [Good], Easy after the label
    assert [(a.rating, a.correct, a.card.ordinal, a.duration_ms) for a in answers] == [(Rating.HARD, True, 0, 1500)]
    assert "Graded Hard" in feedback(view)


def test_reverse_flashcard_asks_the_back_and_reveals_the_front(course, clock, answers):
    view = view_for(course, clock, answers, "define-one-way", reverse=True)
    assert "A decision you cannot undo." in text_of(view.card.widget)
    view.card.reveal_button.click()
    assert "What is a one-way door?" in text_of(view.card.answer_area)
    view.card.rating.children[1].click()
    assert answers[0].card.ordinal == 1 and answers[0].rating == Rating.AGAIN and not answers[0].correct


def test_cloze_wrong_shows_the_right_answer_and_grades_each_deletion(course, clock, answers):
    view = view_for(course, clock, answers, "two-way-cloze")
    first, second = view.card.boxes
    assert first.placeholder == "how fast" and first.description == "Blank 1"
    first.value, second.value = " SPEED. ", "trials"
    view.card.check_button.click()
    text = feedback(view)
    assert "✗ Not quite." in text and "✓ Blank 1: speed" in text
    assert "✗ Blank 2: you wrote trials; the answer is experiments" in text
    assert [(a.card.ordinal, a.correct, a.response) for a in answers] == [(0, True, " SPEED. "), (1, False, "trials")]
    assert first.disabled and view.card.check_button.disabled


def test_cloze_right(course, clock, answers):
    view = view_for(course, clock, answers, "two-way-cloze")
    for box, text in zip(view.card.boxes, ["speed", "Experiments!"], strict=True):
        box.value = text
    view.card.check_button.click()
    assert "✓ Right." in feedback(view) and all(a.correct for a in answers)


def test_single_choice_gives_feedback_for_the_chosen_option(course, clock, answers):
    view = view_for(course, clock, answers, "pick-door")
    radio = view.card.control
    assert radio.description == "Your answer" and radio.value is None
    view.card.check_button.click()
    assert "Choose an option first." in feedback(view) and answers == []
    radio.value = "one-way"
    view.card.check_button.click()
    text = feedback(view)
    assert "✗ Not quite." in text and "✗ You chose: The one-way door" in text and "permanent" in text
    assert "Two-way means reversible." in text  # the explanation
    assert answers[0].response == "one-way" and answers[0].rating == Rating.AGAIN


def test_scenario_shows_the_situation_first_and_grades_right(course, clock, answers):
    view = view_for(course, clock, answers, "trial-scenario")
    assert text_of(view.card.widget.children[0]).startswith("Situation")
    view.card.control.value = "fast"
    view.card.check_button.click()
    assert "✓ Right." in feedback(view) and "✓ You chose: Decide fast and try it" in feedback(view)
    assert answers[0].correct


def test_multi_select_needs_exactly_the_correct_set(course, clock, answers):
    view = view_for(course, clock, answers, "one-way-traits")
    boxes = {o.id: box for o, box in zip(view.card.options, view.card.checkboxes, strict=True)}
    boxes["permanent"].value = boxes["quick"].value = True
    view.card.check_button.click()
    text = feedback(view)
    assert "✗ Not quite." in text and "✓ You chose: Permanent" in text
    assert "✗ You chose: Quick experiments" in text and "✗ You missed: Rare" in text
    retry = view_for(course, clock, answers, "one-way-traits")
    for option, box in zip(retry.card.options, retry.card.checkboxes, strict=True):
        box.value = option.id in {"permanent", "rare"}
    retry.card.check_button.click()
    assert "✓ Right." in feedback(retry) and [a.correct for a in answers] == [False, True]


def step_order(view) -> list[str]:
    return [re.sub(r"^[✓✗ ]*\d+\. ", "", row.children[2].value) for row in view.card.rows.children]


def solve_order(view) -> None:
    """Bubble the steps into place with the Down/Up buttons, as a keyboard user would."""
    wanted = ["Classify the door", "Gather data", "Decide"]
    for _ in range(3):
        for position in range(2):
            order = step_order(view)
            if wanted.index(order[position]) > wanted.index(order[position + 1]):
                view.card.rows.children[position].children[1].click()  # ↓ Down


def test_order_moves_with_buttons_and_grades(course, clock, answers):
    view = view_for(course, clock, answers, "decide-order")
    start = step_order(view)
    assert start != ["Classify the door", "Gather data", "Decide"]
    first_row = view.card.rows.children[0]
    assert first_row.children[0].disabled and first_row.children[1].description == "↓ Down"
    first_row.children[1].click()
    assert step_order(view)[:2] == [start[1], start[0]]
    view.card.check_button.click()
    if not answers[0].correct:
        assert "✗ Not quite." in feedback(view) and "The right order:" in feedback(view)
    solved = view_for(course, clock, answers, "decide-order")
    solve_order(solved)
    solved.card.check_button.click()
    assert "✓ Right." in feedback(solved) and answers[-1].response == "1,2,3"
    assert all(row.children[0].disabled and row.children[1].disabled for row in solved.card.rows.children)


def test_reflection_keeps_the_learners_text(course, clock, answers):
    view = view_for(course, clock, answers, "my-door")
    view.card.text.value = "Moving our data centre."
    view.card.reveal_button.click()
    assert "Closing the old office is one-way." in text_of(view.card.answer_area)
    assert view.card.text.disabled and view.card.text.value == "Moving our data centre."
    view.card.rating.children[4].click()
    assert answers[0].response == "Moving our data centre." and answers[0].rating == Rating.EASY


def test_a_lesson_quiz_shows_progress_a_summary_and_retries_what_was_missed(clock, answers):
    view = quiz("doors", concept="two-way", on_answer=answers.append, lessons_dir=FIXTURE_LESSONS)
    view.clock = clock
    assert view.progress.value == "Question 1 of 3"
    for box in view.card.boxes:
        box.value = "wrong"
    view.card.check_button.click()
    assert view.next_button.layout.display is None and view.next_button.description == "Next"
    view.next_button.click()
    assert view.progress.value == "Question 2 of 3"
    view.card.control.value = "two-way"
    view.card.check_button.click()
    view.next_button.click()
    view.card.control.value = "fast"
    view.card.check_button.click()
    assert view.next_button.description == "See your results"
    view.next_button.click()
    assert "You got 2 of 3 right." in text_of(view.body)
    assert "Two-way doors invite […] and […]." in text_of(view.body)
    assert view.retry_button.description == "Retry missed (1)"
    view.retry_button.click()
    assert view.progress.value == "Question 1 of 1" and isinstance(view.card, cards.ClozeView)
    assert len(answers) == 4  # two deletions + two choices


def test_every_control_has_a_label(course, clock, answers):
    for step in lesson_steps(course, "doors"):
        view = QuizView(Session((step,)), answers.append, clock=clock)
        for control in walk(view.widget):
            if hasattr(control, "disabled") and not isinstance(control, cards.widgets.HTML):
                label = getattr(control, "description", "")
                assert label or isinstance(control, cards.widgets.Box), f"unlabelled {type(control).__name__}"


def walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def test_quiz_is_callable_as_leaderdeck_quiz(answers):
    import leaderdeck

    view = leaderdeck.quiz("second", on_answer=answers.append, lessons_dir=FIXTURE_LESSONS)
    assert view.progress.value == "Question 1 of 1"
    assert "_repr_mimebundle_" in dir(view) and "application/vnd.jupyter.widget-view+json" in view._repr_mimebundle_()


def test_without_a_handler_answers_go_to_the_progress_store(tmp_path, monkeypatch):
    monkeypatch.setenv("LEADERDECK_HOME", str(tmp_path))
    view = quiz("second", lessons_dir=FIXTURE_LESSONS)
    view.card.reveal_button.click()
    view.card.rating.children[3].click()
    from leaderdeck.progress.api import shared_store

    store = shared_store(tmp_path / "progress.sqlite3")
    (review,) = store.history()
    assert review.card == "fixture/second/idea-card#0" and review.rating == Rating.GOOD


def test_a_quiz_loads_only_its_own_lesson_and_falls_back_to_the_whole_course():
    from leaderdeck.quizzes import cached_course

    assert [lesson.id for lesson in cached_course(FIXTURE_LESSONS, "doors").lessons] == ["doors"]
    assert cached_course(FIXTURE_LESSONS, "doors") is cached_course(FIXTURE_LESSONS, "doors")
    assert [lesson.id for lesson in cached_course(FIXTURE_LESSONS, "nope").lessons] == ["doors", "second"]


def walk_values(widget):
    yield getattr(widget, "value", "")
    for child in getattr(widget, "children", ()):
        yield from walk_values(child)


def test_lesson_images_are_embedded_in_quiz_widgets(course, clock, answers, tmp_path):
    """A widget cannot load files from lessons/, so an item's image travels inside its HTML."""
    import dataclasses

    pixel = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "door.png").write_bytes(pixel)
    step = next(s for s in lesson_steps(course, "doors") if s.item.kind == "flashcard")
    item = step.item
    with_image = type(item)(**{**{f: getattr(item, f) for f in item.__struct_fields__},
                               "front": "Which door? ![a door](media/door.png) and ![gone](../secret.png)"})
    view = QuizView(Session((dataclasses.replace(step, item=with_image, media_dir=tmp_path),)), answers.append,
                    clock=clock)
    html = " ".join(v for v in walk_values(view.widget) if isinstance(v, str))
    assert 'src="data:image/png;base64,iVBORw0KGgo' in html
    assert "secret.png" not in html  # outside the folder: dropped by the sanitizer, reported by the validator


class FlakyStore:
    """An answer handler that refuses (as a locked store does) until it is opened again."""

    def __init__(self):
        self.saved, self.locked = [], True

    def __call__(self, answer):
        if self.locked:
            from leaderdeck.errors import LeaderdeckError

            raise LeaderdeckError("progress.sqlite3 is locked by pid 4242 (another notebook)")
        self.saved.append(answer)


def test_an_answer_the_store_refuses_is_kept_shown_and_saved_again(course, clock):
    store = FlakyStore()
    steps = [s for s in lesson_steps(course, "doors") if s.item.kind == "cloze"]
    view = QuizView(Session(tuple(steps)), store, clock=clock)
    for box in view.card.boxes:
        box.value = "speed"
    view.card.check_button.click()
    assert view.next_button.layout.display is None  # the quiz goes on
    assert "2 answers not saved yet" in text_of(view.save_area) and "pid 4242" in text_of(view.save_area)
    store.locked = False
    view.save_button.click()
    assert [str(a.card) for a in store.saved] == [str(k) for k in steps[0].cards]
    assert view.save_area.children == ()


def test_a_damaged_default_store_is_reported_in_the_quiz(tmp_path, monkeypatch):
    monkeypatch.setenv("LEADERDECK_HOME", str(tmp_path))
    (tmp_path / "progress.sqlite3").write_text("my shopping list\n")
    view = quiz("second", lessons_dir=FIXTURE_LESSONS)
    view.card.reveal_button.click()
    view.card.rating.children[3].click()
    assert "not saved yet" in text_of(view.save_area) and "progress.sqlite3" in text_of(view.save_area)
    assert view.next_button.layout.display is None
    assert (tmp_path / "progress.sqlite3").read_text() == "my shopping list\n"  # never overwritten


def test_a_second_click_on_retry_keeps_the_retry(course, clock, answers):
    steps = tuple(s for s in lesson_steps(course, "doors") if s.item.kind == "flashcard")
    view = QuizView(Session(steps), answers.append, clock=clock)
    for _ in steps:
        view.card.reveal_button.click()
        view.card.rating.children[1].click()  # Again: missed
        view.next_button.click()
    assert view.card is None and len(view.session.summary().missed) == len(steps)
    view.retry_button.click()
    view.retry_button.click()
    assert view.card is not None and view.session.progress == f"1 of {len(steps)}"
