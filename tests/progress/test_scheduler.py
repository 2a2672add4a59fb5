from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fsrs import State
from fsrs.scheduler import DEFAULT_PARAMETERS
from hypothesis import given
from hypothesis import strategies as st

from leaderdeck.errors import LeaderdeckError
from leaderdeck.progress.scheduler import (
    DAY_MS,
    Memory,
    Scheduling,
    StudyDays,
    from_ms,
    fsrs_parameters,
    new_memory,
    to_ms,
)

from .conftest import T0


def test_epoch_ms_round_trip_and_utc():
    ms = to_ms(T0)
    assert from_ms(ms) == T0 and from_ms(ms).tzinfo is UTC
    assert to_ms(T0.astimezone(ZoneInfo("Europe/Paris"))) == ms


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="naive"):
        to_ms(datetime(2025, 1, 1))


@pytest.mark.parametrize("retention", [0.0, 0.98, 1.0, -0.5, 0.3, 1e-48])
def test_desired_retention_out_of_range_is_a_user_error(retention):
    with pytest.raises(LeaderdeckError, match="from 0.5 to 0.97"):
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


# -- days as Anki counts them (issue 14) ------------------------------------------------------

def _at(text: str, zone: str = "UTC") -> int:
    return to_ms(datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone)))


def test_a_day_later_by_the_calendar_is_a_day_for_fsrs_even_a_few_ms_short_of_24_hours():
    """Anki gives FSRS one day between 10:00:00.689 and 10:00:00.400 the next day; fed raw
    datetimes, py-fsrs saw 0 days and applied its same-day formula."""
    scheduling = Scheduling()
    first = scheduling.review(None, 3, _at("2026-11-02T10:00:00.689"))
    second = scheduling.review(first, 3, _at("2026-11-03T10:00:00.400"))
    a_day = scheduling.review(first, 3, _at("2026-11-03T10:00:00.689"))
    same_day = scheduling.review(first, 3, _at("2026-11-02T23:00"))
    assert second.stability == a_day.stability != same_day.stability
    assert second.last_review_ms == _at("2026-11-03T10:00:00.400")  # the true time is kept


def test_a_review_before_the_rollover_hour_belongs_to_the_day_before():
    scheduling = Scheduling()
    first = scheduling.review(None, 3, _at("2026-11-02T22:00"))
    before_rollover = scheduling.review(first, 3, _at("2026-11-03T03:30"))
    after_rollover = scheduling.review(first, 3, _at("2026-11-03T04:30"))
    assert before_rollover.stability == scheduling.review(first, 3, _at("2026-11-02T22:30")).stability
    assert after_rollover.stability == scheduling.review(first, 3, _at("2026-11-04T03:00")).stability
    assert before_rollover.stability != after_rollover.stability


def test_review_cards_fall_due_at_the_start_of_their_study_day():
    scheduling = Scheduling(days=StudyDays(ZoneInfo("Asia/Tokyo"), 4))
    memory = None
    for at in ("2026-11-02T10:00", "2026-11-02T10:10", "2026-11-03T21:15:00.5"):
        memory = scheduling.review(memory, 3, _at(at, "Asia/Tokyo"))
    assert memory.state == State.Review
    due = datetime.fromtimestamp(memory.due_ms / 1000, ZoneInfo("Asia/Tokyo"))
    assert (due.hour, due.minute, due.second, due.microsecond) == (4, 0, 0, 0)
    assert due.date() > date(2026, 11, 3)
    learning = scheduling.review(None, 3, _at("2026-11-02T23:55", "Asia/Tokyo"))
    assert learning.due_ms - learning.last_review_ms == 10 * 60_000  # steps stay in minutes


def test_study_days_begin_at_the_rollover_hour_in_the_learners_zone_across_daylight_saving():
    days = StudyDays(ZoneInfo("Europe/Berlin"), 4)
    assert days.day_of(_at("2025-03-30T03:59", "Europe/Berlin")) == date(2025, 3, 29).toordinal()
    assert days.day_of(_at("2025-03-30T04:00", "Europe/Berlin")) == date(2025, 3, 30).toordinal()
    # clocks went forward at 2 am: 4 am on the 30th is 02:00 UTC, the day before 03:00 UTC
    assert days.start_of(date(2025, 3, 30).toordinal()) == _at("2025-03-30T02:00")
    assert days.start_of(date(2025, 3, 29).toordinal()) == _at("2025-03-29T03:00")
    midnight = StudyDays(UTC, 0)
    assert midnight.elapsed_days(_at("2026-11-02T23:59"), _at("2026-11-03T00:01")) == 1
    assert midnight.elapsed_days(_at("2026-11-03T00:01"), _at("2026-11-02T23:59")) == 0


def _wall_clock_day(days: StudyDays, ms: int) -> int:
    """A study day read off the local clock: the date of local time less the rollover hour."""
    return (from_ms(ms).astimezone(days.zone) - timedelta(hours=days.rollover_hour)).date().toordinal()


@pytest.mark.parametrize("zone", ["America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Pacific/Chatham",
                                  "America/St_Johns", "Asia/Kolkata", "Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_study_days_from_memoised_starts_are_the_days_the_local_clock_shows(zone):
    """`day_of` finds the day between memoised day starts. Around every change of offset in a
    year (daylight saving, half-hour zones, ±14 h) days never go back, each instant lies in its
    day, a fresh `StudyDays` agrees whatever was asked of it before, and the day is the local
    clock's date less the rollover hour, except within the hour of a change that moves the clock
    across the rollover hour itself (Chatham's clocks go 2:45 → 3:45 and 3:45 → 2:45: with days
    starting at 3, a day starts at 3:00 standard time, as `start_of` has always said)."""
    start, offset = _at("2026-01-01T00:00"), lambda ms: from_ms(ms).astimezone(ZoneInfo(zone)).utcoffset()
    changes = [ms for ms in range(start, start + 365 * DAY_MS, 3_600_000)
               if offset(ms) != offset(ms + 3_600_000)] or [start]
    for hour in (0, 1, 2, 3, 4, 23):
        days = StudyDays(ZoneInfo(zone), hour)
        for change in changes:
            previous = 0
            for ms in range(change - 30 * 3_600_000, change + 30 * 3_600_000, 7 * 60_000):
                day = days.day_of(ms)
                assert day == StudyDays(ZoneInfo(zone), hour).day_of(ms) and day >= previous
                assert days.start_of(day) <= ms < days.start_of(day + 1)
                if abs(ms - change) > 2 * 3_600_000 or (zone, hour) != ("Pacific/Chatham", 3):
                    assert day == _wall_clock_day(days, ms), (hour, from_ms(ms))
                previous = day


@pytest.mark.parametrize("hour", [-1, 24, 4.5])
def test_a_rollover_hour_outside_the_day_is_a_user_error(hour):
    with pytest.raises(LeaderdeckError, match="from 0 to 23"):
        StudyDays(UTC, hour)


def test_recall_counts_study_days():
    scheduling = Scheduling()
    last = _at("2026-11-02T10:00")
    assert scheduling.recall(3.0, last, _at("2026-11-03T03:59")) == 1.0  # still the same day
    assert scheduling.recall(3.0, last, _at("2026-11-03T04:00")) < 1.0  # 18 hours on: a new day


def test_parameters_from_anki_are_used_and_fsrs5_sets_are_completed():
    assert fsrs_parameters([]) is None and fsrs_parameters([0.4] * 17) is None
    fsrs5 = list(DEFAULT_PARAMETERS[:19])
    assert fsrs_parameters(fsrs5) == (*DEFAULT_PARAMETERS[:19], 0.0, 0.5)
    custom = list(DEFAULT_PARAMETERS)
    custom[2] = 5.0  # the first Good's stability
    assert Scheduling(parameters=custom).review(None, 3, 0).stability == 5.0
    with pytest.raises(LeaderdeckError, match="FSRS parameters"):
        Scheduling(parameters=[1000.0] * 21)


def test_passing_intervals_keep_annkis_order_hard_before_good_before_easy():
    """A weak review card: FSRS alone would give Hard, Good and Easy one day each; Anki gives each
    at least a day more than the rating below it."""
    scheduling = Scheduling()
    last = _at("2026-11-02T10:00")
    weak = Memory(State.Review, None, 0.5, 9.0, _at("2026-11-03T04:00"), last)
    intervals = []
    for rating in (2, 3, 4):
        after = scheduling.review(weak, rating, _at("2026-11-03T10:00"))
        intervals.append((date.fromordinal(scheduling.days.day_of(after.due_ms)) - date(2026, 11, 3)).days)
    assert intervals[0] >= 1 and intervals[1] >= intervals[0] + 1 and intervals[2] >= intervals[1] + 1


def test_the_cards_given_to_fsrs_copy_as_fsrs_copies_its_own():
    """`review_card` copies its card; ours copy cheaply and review exactly as fsrs's `Card` does."""
    from copy import copy

    from fsrs import Card, Rating

    from leaderdeck.progress.scheduler import _to_card

    memory = Memory(State.Review, None, 5.0, 6.0, to_ms(T0) + DAY_MS, to_ms(T0))
    ours = _to_card(memory, to_ms(T0), from_ms(memory.due_ms))
    theirs = Card(1, State.Review, None, 5.0, 6.0, from_ms(to_ms(T0) + DAY_MS), from_ms(to_ms(T0)))
    assert vars(copy(ours)) == vars(ours) == vars(theirs) and copy(ours) is not ours
    scheduling = Scheduling()
    at = from_ms(to_ms(T0) + 3 * DAY_MS)
    # a replay hands fsrs the review's time for the due it never reads
    due_unread = _to_card(memory, to_ms(T0), at)
    for rating in Rating:
        assert vars(scheduling._fsrs.review_card(ours, rating, at)[0]) == vars(
            scheduling._fsrs.review_card(theirs, rating, at)[0]) == vars(
            scheduling._fsrs.review_card(due_unread, rating, at)[0])
        assert scheduling._fsrs.get_card_retrievability(due_unread, at) == scheduling._fsrs.get_card_retrievability(
            theirs, at)
    assert vars(ours) == vars(theirs)  # the card given is left as it was
