from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fsrs import State
from hypothesis import given
from hypothesis import strategies as st

from leaderdeck.errors import LeaderdeckError
from leaderdeck.progress.scheduler import DAY_MS, Memory, Scheduling, from_ms, new_memory, to_ms

from .conftest import T0


def test_epoch_ms_round_trip_and_utc():
    ms = to_ms(T0)
    assert from_ms(ms) == T0 and from_ms(ms).tzinfo is UTC
    assert to_ms(T0.astimezone(ZoneInfo("Europe/Paris"))) == ms


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="naive"):
        to_ms(datetime(2025, 1, 1))


@pytest.mark.parametrize("retention", [0.0, 0.98, 1.0, -0.5])
def test_desired_retention_out_of_range_is_a_user_error(retention):
    with pytest.raises(LeaderdeckError, match="at most 0.97"):
        Scheduling(retention)


def test_first_good_answer_starts_learning_and_again_resets_the_step():
    scheduling = Scheduling()
    at = to_ms(T0)
    good = scheduling.review(None, 3, at)
    assert good.state == State.Learning and good.step == 1 and good.last_review_ms == at
    assert good.due_ms - at == 10 * 60_000  # the second learning step
    again = scheduling.review(good, 1, at + 60_000)
    assert again.step == 0 and again.due_ms == at + 2 * 60_000


def test_graduated_cards_get_longer_intervals_and_lapses_relearn():
    scheduling = Scheduling()
    memory, at = None, to_ms(T0)
    for _ in range(3):
        memory = scheduling.review(memory, 3, at)
        at = memory.due_ms
    assert memory.state == State.Review and memory.interval_ms >= 2 * DAY_MS
    lapsed = scheduling.review(memory, 1, at)
    assert lapsed.state == State.Relearning and lapsed.stability < memory.stability


def test_higher_retention_means_shorter_intervals():
    def interval(retention: float) -> int:
        scheduling, memory = Scheduling(retention), None
        for n in range(3):
            memory = scheduling.review(memory, 3, to_ms(T0) + n * DAY_MS)
        return memory.interval_ms

    assert interval(0.95) < interval(0.9) < interval(0.8)


def test_scheduling_is_deterministic():
    first = Scheduling().review(new_memory(0), 3, to_ms(T0) + 40 * DAY_MS)
    assert all(Scheduling().review(new_memory(0), 3, to_ms(T0) + 40 * DAY_MS) == first for _ in range(5))


@given(stability=st.floats(0.01, 36500), elapsed_ms=st.integers(0, 3000 * DAY_MS),
       retention=st.sampled_from([0.8, 0.9, 0.97]))
def test_recall_matches_the_library(stability, elapsed_ms, retention):
    scheduling = Scheduling(retention)
    last = to_ms(T0)
    memory = Memory(State.Review, None, stability, 5.0, last + DAY_MS, last)
    assert scheduling.recall(stability, last, last + elapsed_ms) == pytest.approx(
        scheduling.library_recall(memory, last + elapsed_ms), rel=1e-12)


def test_recall_of_an_unreviewed_card_is_zero():
    assert Scheduling().recall(None, None, 0) == 0.0
    assert Scheduling().recall(3.0, to_ms(T0), to_ms(T0 + timedelta(hours=5))) == 1.0  # whole days only
