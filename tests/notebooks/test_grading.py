"""Grading rules, without widgets."""

from __future__ import annotations

import random

import msgspec
import pytest

from leaderdeck.quizzes import grading


@pytest.mark.parametrize("typed, expected", [
    ("Speed", "speed"),
    ("  speed. ", "speed"),
    ("SPEED!", "speed"),
    ("fast  growth", "fast growth"),
    ("fast\ngrowth", "fast, growth"),
    ("customer-obsession", "customer obsession"),
    ("**speed**", "speed"),
    ("ﬁrst", "first"),  # compatibility ligature
    ("thats not my job", "that's not my job"),  # an apostrophe joins, it does not split
    ("peoples needs", "people’s needs"),
    ("shortlived", "short-lived"),
    ("short lived", "short-lived"),
])
def test_typed_answers_forgive_case_whitespace_and_punctuation(typed, expected):
    assert grading.answers_match(typed, expected)


@pytest.mark.parametrize("typed, expected", [("spd", "speed"), ("", "speed"), ("speed up", "speed"),
                                             ("slow growth", "fast growth")])
def test_typed_answers_still_need_the_right_words(typed, expected):
    assert not grading.answers_match(typed, expected)


def test_cloze_is_graded_per_deletion_number(course):
    item = course.lesson("doors").items[1]
    assert [b.number for b in grading.blanks(item)] == [1, 2]
    assert grading.blanks(item)[0].hint == "how fast"
    assert grading.grade_cloze(item, ["Speed", "trials"]) == {1: True, 2: False}
    assert grading.grade_cloze(item, ["Speed", "experiment"]) == {1: True, 2: True}  # close: counted
    assert grading.grade_cloze(item, ["speed.", "EXPERIMENTS"]) == {1: True, 2: True}
    with pytest.raises(ValueError, match="2 blanks"):
        grading.grade_cloze(item, ["speed"])


def test_cloze_number_with_several_blanks_needs_all_of_them(course):
    item = msgspec.structs.replace(course.lesson("doors").items[1], text="{{c1::a}} then {{c1::b}} then {{c2::c}}")
    assert grading.grade_cloze(item, ["a", "x", "c"]) == {1: False, 2: True}
    assert grading.grade_cloze(item, ["a", "b", "c"]) == {1: True, 2: True}


def test_single_choice_is_right_only_with_the_correct_option(course):
    item = course.lesson("doors").items[2]
    assert grading.grade_choice(item, ["two-way"])
    assert not grading.grade_choice(item, ["one-way"])
    assert grading.option_verdicts(item, ["one-way"]) == {"one-way": False}
    with pytest.raises(ValueError, match="no option"):
        grading.grade_choice(item, ["three-way"])


def test_multi_select_is_right_only_with_exactly_the_correct_set(course):
    item = course.lesson("doors").items[4]
    assert grading.grade_choice(item, ["rare", "permanent"])
    assert not grading.grade_choice(item, ["permanent"])  # a subset
    assert not grading.grade_choice(item, ["permanent", "rare", "quick"])  # a superset
    assert grading.option_verdicts(item, ["quick", "permanent"]) == {"permanent": True, "quick": False}
    assert grading.missed_options(item, ["permanent"]) == ["rare"]


def test_order_is_right_only_in_the_authored_order(course):
    item = course.lesson("doors").items[5]
    assert grading.grade_order(item, [0, 1, 2])
    assert not grading.grade_order(item, [1, 0, 2])
    assert grading.step_verdicts([1, 0, 2]) == [False, False, True]
    with pytest.raises(ValueError, match="exactly once"):
        grading.grade_order(item, [0, 0, 2])


@pytest.mark.parametrize("count", [2, 3, 5, 8])
def test_starting_order_is_deterministic_and_never_already_solved(count):
    for seed in range(200):
        order = grading.starting_order(count, random.Random(seed))
        assert sorted(order) == list(range(count))
        assert order != list(range(count))
        assert order == grading.starting_order(count, random.Random(seed))


# --- near misses (defect 6) ---------------------------------------------------------------------

@pytest.mark.parametrize("typed, expected, match", [
    ("experiments", "experimentation", grading.Match.CLOSE),
    ("experimentation", "experiments", grading.Match.CLOSE),
    ("75°C", "75 °C", grading.Match.RIGHT),
    ("learns", "[learns](https://example.org/learn)", grading.Match.RIGHT),
    ("speeed", "speed", grading.Match.CLOSE),
    ("experimnet", "experiment", grading.Match.CLOSE),
    ("rare", "rarely", grading.Match.CLOSE),
    ("spd", "speed", grading.Match.WRONG),
    ("rarely", "sparingly", grading.Match.WRONG),
    ("irreversible", "reversible", grading.Match.WRONG),
    ("76 °C", "75 °C", grading.Match.WRONG),
    ("cat", "car", grading.Match.WRONG),
    ("speed and trials", "speed", grading.Match.WRONG),
    ("", "speed", grading.Match.WRONG),
])
def test_near_misses_are_close_and_the_rest_stays_wrong(typed, expected, match):
    assert grading.match_answer(typed, expected) is match


def test_stem_and_edit_distance():
    assert grading.stem("experiments") == grading.stem("experimentation")
    assert grading.stem("sing") == "sing"
    assert grading.edit_distance("speed", "sped") == 1 and grading.edit_distance("form", "from") == 1


def test_a_quiz_title_hides_words_that_answer_a_blank():
    title = "Two-way doors invite speed and experiments"
    assert grading.masked_title(title, ["speed", "experimentation"]) == "Two-way doors invite … and …"
    assert grading.masked_title("Doors", ["speed"]) == "Doors"


def test_a_retried_order_starts_differently_and_never_solved():
    for seed in range(50):
        first = grading.starting_order(4, random.Random(seed))
        again = grading.starting_order(4, random.Random(seed), avoid=first)
        assert again != first and again != [0, 1, 2, 3]
