"""The pure quiz session: steps, answers, progress, summary and retry."""

from __future__ import annotations

from datetime import timedelta

import pytest

from leaderdeck.errors import LeaderdeckError
from leaderdeck.events import Rating
from leaderdeck.identity import CardKey, NoteKey
from leaderdeck.quizzes import session as s

from .conftest import START

LATER = START + timedelta(seconds=4, milliseconds=250)


def key(item: str, ordinal: int = 0) -> str:
    return str(CardKey(NoteKey("fixture", "doors", item), ordinal))


def test_lesson_steps_ask_every_card_with_reverse_cards_last(course):
    steps = s.lesson_steps(course, "doors")
    assert [str(step.cards[0]) for step in steps] == [
        key("define-one-way"), key("two-way-cloze"), key("pick-door"), key("trial-scenario"),
        key("one-way-traits"), key("decide-order"), key("my-door"), key("define-one-way", 1)]
    assert steps[1].ordinals == (0, 1) and steps[1].asked_numbers == (1, 2)
    assert steps[-1].reverse and not steps[0].reverse


def test_a_concept_quiz_asks_only_that_concepts_items(course):
    steps = s.lesson_steps(course, "doors", concept="two-way")
    assert [step.item.id for step in steps] == ["two-way-cloze", "pick-door", "trial-scenario"]


@pytest.mark.parametrize("lesson, concept, message", [
    ("dors", None, "no lesson 'dors' in the course — did you mean 'doors'?"),
    ("doors", "one-wya", "no quiz items for concept 'one-wya' — did you mean 'one-way'?"),
])
def test_unknown_lessons_and_concepts_are_user_errors(course, lesson, concept, message):
    with pytest.raises(LeaderdeckError, match=message):
        s.lesson_steps(course, lesson, concept)


def test_card_steps_build_a_review_of_single_cards(course):
    cards = [CardKey.parse(key("two-way-cloze", 1)), CardKey.parse(key("define-one-way", 1))]
    steps = s.card_steps(course, cards)
    assert steps[0].asked_numbers == (2,) and steps[1].reverse
    with pytest.raises(LeaderdeckError, match="no card 3"):
        s.card_steps(course, [CardKey.parse(key("pick-door", 3))])


def test_cloze_gives_one_answer_per_deletion_with_ordinal_number_minus_one(course):
    step = s.lesson_steps(course, "doors")[1]
    outcome = s.answer_cloze(step, ["Speed", "trials"], START, LATER)
    assert not outcome.correct
    first, second = outcome.answers
    assert (str(first.card), first.correct, first.rating, first.response) == (
        key("two-way-cloze", 0), True, Rating.GOOD, "Speed")
    assert (str(second.card), second.correct, second.rating, second.response) == (
        key("two-way-cloze", 1), False, Rating.AGAIN, "trials")
    assert first.duration_ms == 4250 and first.answered_at == LATER and first.kind == "cloze"
    # distinct milliseconds: a review's identity in the store and in Anki's revlog is its time
    assert second.answered_at == LATER + timedelta(milliseconds=1)


def test_a_single_deletion_review_asks_only_that_blank(course):
    step = s.card_steps(course, [CardKey.parse(key("two-way-cloze", 1))])[0]
    (answer,) = s.answer_cloze(step, ["experiments"], START, LATER).answers
    assert str(answer.card) == key("two-way-cloze", 1) and answer.correct


def test_choice_and_order_answers_are_auto_graded_good_or_again(course):
    steps = s.lesson_steps(course, "doors")
    (right,) = s.answer_choice(steps[4], ["rare", "permanent"], START, LATER).answers
    assert right.correct and right.rating == Rating.GOOD and right.response == "permanent,rare"
    (wrong,) = s.answer_order(steps[5], [2, 0, 1], START, LATER).answers
    assert not wrong.correct and wrong.rating == Rating.AGAIN and wrong.response == "3,1,2"


def test_self_graded_answers_keep_the_rating_and_the_learners_text(course):
    steps = s.lesson_steps(course, "doors")
    (hard,) = s.answer_flashcard(steps[0], Rating.HARD, START, LATER).answers
    assert hard.correct and hard.rating == Rating.HARD
    (reverse,) = s.answer_flashcard(steps[-1], Rating.AGAIN, START, LATER).answers
    assert str(reverse.card) == key("define-one-way", 1) and not reverse.correct
    (mine,) = s.answer_reflection(steps[6], "Selling the building.", Rating.EASY, START, LATER).answers
    assert mine.response == "Selling the building." and mine.rating == Rating.EASY and mine.correct


def test_durations_never_go_negative(course):
    step = s.lesson_steps(course, "doors")[0]
    (answer,) = s.answer_flashcard(step, Rating.GOOD, LATER, START).answers
    assert answer.duration_ms == 0


def answer_all(session: s.Session, right: set[str]) -> s.Session:
    while not session.finished:
        step = session.current
        rating = Rating.GOOD if step.item.id in right else Rating.AGAIN
        session = session.record(s.answer_flashcard(step, rating, START, LATER))
    return session


def test_progress_summary_and_retry_of_missed_steps(course):
    quiz = s.Session(s.lesson_steps(course, "doors"))
    assert quiz.progress == "1 of 8"
    quiz = quiz.record(s.answer_flashcard(quiz.current, Rating.GOOD, START, LATER))
    assert quiz.progress == "2 of 8" and quiz.position == 1
    done = answer_all(quiz, right={"pick-door", "my-door"})
    assert done.finished and done.current is None and done.progress == "8 of 8"
    summary = done.summary()
    assert (summary.right, summary.total) == (3, 8)
    assert str(summary) == "3 of 8 right; 5 to retry"
    retry = done.retry_missed()
    assert [step.item.id for step in retry.steps] == ["two-way-cloze", "trial-scenario", "one-way-traits",
                                                       "decide-order", "define-one-way"]
    assert retry.progress == "1 of 5" and not retry.outcomes


def test_an_outcome_must_answer_the_current_step(course):
    quiz = s.Session(s.lesson_steps(course, "doors"))
    with pytest.raises(ValueError, match="current step"):
        quiz.record(s.answer_flashcard(quiz.steps[3], Rating.GOOD, START, LATER))


def test_review_steps_say_which_lesson_they_come_from(course):
    (step,) = s.card_steps(course, [CardKey.parse(key("pick-door"))])
    assert step.origin == "Doors"


def test_i_was_right_turns_the_missed_cards_into_one_good_review_each(course):
    step = s.lesson_steps(course, "doors")[1]
    missed = s.answer_cloze(step, ["Speed", "trials"], START, LATER)
    later = LATER + timedelta(seconds=5)
    corrected = s.override(missed, later)
    assert corrected.correct and [(a.correct, a.rating) for a in corrected.answers] == [(True, Rating.GOOD)] * 2
    # the right blank is unchanged; the missed one replaces the saved miss, from the moment of the override
    assert corrected.answers[0] == missed.answers[0]
    assert s.replacements(corrected) == (corrected.answers[1],)
    assert corrected.answers[1].replaces == missed.answers[1].answered_at
    assert corrected.answers[1].answered_at == later + timedelta(milliseconds=1)
    session = s.Session((step,)).record(missed).amend_last(corrected)
    assert session.outcomes == (corrected,) and session.summary().right == 1


def test_resume_skips_what_was_answered_today_and_asks_what_is_due_first(course):
    steps = s.lesson_steps(course, "doors", concept="two-way")
    cloze, pick, scenario = steps
    day = START.replace(hour=0)
    standing = {card: s.CardStanding(START + timedelta(days=1), START - timedelta(hours=2)) for card in cloze.cards}
    standing[scenario.cards[0]] = s.CardStanding(START - timedelta(minutes=1), START - timedelta(days=2))
    asked, done = s.resume(steps, standing, day, START)
    assert asked == (scenario, pick) and done == (cloze,)
    standing[cloze.cards[1]] = s.CardStanding(START - timedelta(minutes=1), START - timedelta(hours=2))
    asked, done = s.resume(steps, standing, day, START)  # one of its cards is due again: asked
    assert cloze in asked and done == ()


def test_retrying_a_cloze_asks_only_the_blanks_that_were_wrong(course):
    step = s.lesson_steps(course, "doors")[1]
    session = s.Session((step,)).record(s.answer_cloze(step, ["Speed", "trials"], START, LATER))
    (again,) = session.retry_missed().steps
    assert again.cards == (CardKey.parse(key("two-way-cloze", 1)),)
    (answer,) = s.answer_cloze(again, ["experiments"], START, LATER).answers
    assert answer.correct and str(answer.card) == key("two-way-cloze", 1)
