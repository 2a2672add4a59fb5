"""The review queue, the daily new limit and the dashboard's recall count study days as Anki does:
a day begins at the rollover hour (4 am by default) in the learner's zone, not at midnight."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from leaderdeck.errors import LeaderdeckError
from leaderdeck.progress import api
from leaderdeck.progress.review import todays_queue
from leaderdeck.progress.scheduler import StudyDays, to_ms
from leaderdeck.progress.store import open_store

from .conftest import answer, key, small_catalog

ZONE = ZoneInfo("America/New_York")


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


def utc(text: str) -> datetime:
    return local(text).astimezone(UTC)


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "progress.sqlite3", days=StudyDays(ZONE, 4)) as opened:
        yield opened


def test_the_daily_new_limit_resets_at_the_rollover_hour_not_at_midnight(store):
    catalog = small_catalog()
    store.record(answer(key("define"), True, utc("2026-11-02T23:30"), kind="flashcard"))
    store.record(answer(key("fill"), True, utc("2026-11-03T01:00"), kind="cloze"))
    after_midnight = todays_queue(store, catalog, local("2026-11-03T03:00"), new_per_day=3)
    assert sum(q.is_new for q in after_midnight) == 1  # still the 2nd: two of three introduced
    after_rollover = todays_queue(store, catalog, local("2026-11-03T04:00"), new_per_day=3)
    assert sum(q.is_new for q in after_rollover) == 3


def test_a_review_card_is_in_the_queue_from_the_start_of_its_due_day(store):
    catalog = small_catalog()
    for at in ("2026-11-02T19:00", "2026-11-02T19:01", "2026-11-02T19:11"):
        review = store.record(answer(key("pick"), True, utc(at)))
    assert review.after.state == 2  # Review
    due = datetime.fromtimestamp(review.after.due_ms / 1000, ZONE)
    assert (due.hour, due.minute) == (4, 0)
    queue_keys = lambda at: [q.card.key for q in todays_queue(store, catalog, at, new_per_day=0)]  # noqa: E731
    assert key("pick") not in queue_keys(due - timedelta(seconds=1))
    assert key("pick") in queue_keys(due)  # in the morning, before the hour it was answered at


def test_the_dashboards_recall_counts_study_days_like_the_scheduler(store):
    review = store.record(answer(key("pick"), True, utc("2026-11-02T10:00")))
    store.use_catalog(small_catalog())
    for now in ("2026-11-03T03:59", "2026-11-03T04:00", "2026-11-09T05:00"):
        (row,) = store.standings(to_ms(local(now)))
        assert row[4] == store.scheduling.recall(review.after.stability, review.reviewed_at_ms, to_ms(local(now)))
    (row,) = store.standings(to_ms(local("2026-11-03T04:00")))
    assert row[4] < 1.0


def test_the_learners_rollover_hour_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv("LEADERDECK_ROLLOVER_HOUR", raising=False)
    assert api.learner_days().rollover_hour == 4
    monkeypatch.setenv("LEADERDECK_ROLLOVER_HOUR", "2")
    assert api.learner_days().rollover_hour == 2
    assert api.shared_store().scheduling.days.rollover_hour == 2
    monkeypatch.setenv("LEADERDECK_ROLLOVER_HOUR", "4am")
    with pytest.raises(LeaderdeckError, match="LEADERDECK_ROLLOVER_HOUR is '4am'"):
        api.learner_days()
