from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from leaderdeck.cli import main
from leaderdeck.progress import api
from leaderdeck.progress.catalog import Catalog, CatalogCard
from leaderdeck.progress.review import QueuedCard, describe_wait, interleave_kinds, review_status, todays_queue
from leaderdeck.progress.scheduler import to_ms

from .conftest import T0, answer, days, key, small_catalog

ROOT = Path(__file__).resolve().parents[2]


def test_new_cards_come_in_teaching_order_with_siblings_last_and_a_daily_limit(store):
    queue = todays_queue(store, small_catalog(), T0, new_per_day=5)
    keys = [q.card.key for q in queue]
    assert keys == [key("define", 0), key("fill", 0), key("pick", 0), key("define", 1), key("fill", 1)]
    assert all(q.is_new for q in queue)


def test_the_daily_limit_counts_cards_introduced_today(store):
    for card in (key("define"), key("pick")):
        store.record(answer(card, True, T0))
    later = T0 + timedelta(hours=3)  # their learning steps are due again by now
    queue = todays_queue(store, small_catalog(), later, new_per_day=3)
    assert [q.is_new for q in queue].count(True) == 1
    assert {q.card.key for q in queue if not q.is_new} == {key("define"), key("pick")}


def test_due_cards_come_most_overdue_first_and_removed_items_never(store):
    for n, card in enumerate([key("pick"), key("fill", 1), key("gone")]):
        store.record(answer(card, False, T0 + timedelta(minutes=n)))
    queue = todays_queue(store, small_catalog(), T0 + days(1), new_per_day=0)
    assert [q.card.key for q in queue] == [key("pick"), key("fill", 1)]


def test_interleaving_breaks_runs_of_one_kind_without_reordering_far():
    catalog = small_catalog()
    by_kind = {c.kind: c for c in catalog.cards}
    run = [QueuedCard(by_kind[k], n) for n, k in enumerate(["cloze", "cloze", "cloze", "choice", "order"])]
    assert [q.card.kind for q in interleave_kinds(run)] == ["cloze", "choice", "cloze", "order", "cloze"]
    assert [q.card.kind for q in interleave_kinds(run, lookahead=0)] == [q.card.kind for q in run]


def test_the_status_line_says_due_done_and_when_next():
    now = datetime(2025, 3, 3, 14, 0, tzinfo=ZoneInfo("Europe/Paris"))
    assert review_status(12, 3, 4, None, now) == "12 due now (3 new) · 4 done · 8 to go."
    soon = now + timedelta(minutes=10)
    assert review_status(2, 0, 2, soon, now) == "All 2 done. The next review is due in 10 minutes (at 14:10)."
    tomorrow = (now + days(1)).replace(hour=9, minute=5).astimezone(UTC)
    assert review_status(0, 0, 0, tomorrow, now) == "Nothing is due now. Come back tomorrow at 09:05."
    assert describe_wait(now + days(5), now) == "on Sat 8 Mar at 14:00"


def test_dashboard_counts_lessons_due_days_activity_and_weak_concepts(store):
    catalog = small_catalog()
    store.record(answer(key("pick"), True, T0))
    store.record(answer(key("fill"), False, T0 + timedelta(minutes=1), kind="cloze"))
    store.record(answer(key("gone"), True, T0))  # removed from the course: kept, not counted
    board = api.dashboard_of(store, catalog, T0 + timedelta(hours=1))
    doors, trust = board.lessons
    assert (doors.new, doors.learning, doors.learned) == (3, 2, 0) and trust.new == 2
    assert trust.average_recall is None and 0 < doors.average_recall <= 1
    assert board.due_by_day[0][1] == 2 and sum(n for _, n in board.due_by_day) == 2 and board.due_now == 2
    assert board.activity[-1].reviews == 2 and board.activity[-1].correct == 1
    assert sum(w.reviews for w in board.activity) == 2
    assert {c.concept for c in board.weakest} == {"two-way"}
    assert store.history(key("gone"))  # history kept


def test_sql_recall_matches_the_scheduler(store):
    catalog = small_catalog()
    review = store.record(answer(key("pick"), True, T0))
    now = T0 + days(9)
    store.use_catalog(catalog)
    (row,) = store.standings(to_ms(now))
    assert row[4] == store.scheduling.recall(review.after.stability, to_ms(T0), to_ms(now))


def test_a_restored_item_comes_back_into_the_dashboard(store):
    full = small_catalog()
    store.record(answer(key("pick"), True, T0))
    without = Catalog(tuple(c for c in full.cards if c.key != key("pick")), full.lesson_titles)
    assert api.dashboard_of(store, without, T0).lessons[0].learning == 0
    assert api.dashboard_of(store, full, T0).lessons[0].learning == 1


def test_a_course_change_rewrites_only_the_cards_whose_place_changed(store):
    """A new catalog recopies lesson, concept and presence only where they differ: rewriting
    every card cost a second and a 25 MB WAL at 100,000 cards."""
    full = small_catalog()
    for item in ("define", "fill", "pick"):
        store.record(answer(key(item), True, T0))
    store.use_catalog(full)
    moved = Catalog(tuple(CatalogCard(c.key, c.lesson, "renamed" if c.key == key("fill") else c.concept, c.kind)
                          for c in full.cards if c.key != key("pick")), full.lesson_titles)
    before = store._db.total_changes
    store.use_catalog(moved)
    assert store._db.total_changes - before == 3  # fill moved, pick gone, the catalog's fingerprint
    assert store._db.execute("SELECT card, concept, present FROM cards ORDER BY card").fetchall() == [
        (key("define"), "one-way", 1), (key("fill"), "renamed", 1), (key("pick"), "two-way", 0)]
    store.use_catalog(full)
    assert store._db.execute("SELECT card, concept, present FROM cards ORDER BY card").fetchall() == [
        (key("define"), "one-way", 1), (key("fill"), "two-way", 1), (key("pick"), "two-way", 1)]


def test_the_concepts_to_revisit_come_from_the_recent_misses_only(store):
    """The dashboard reads the misses of its window from the time index, not the whole log."""
    store.record(answer(key("fill"), False, T0 - days(30), kind="cloze"))  # too old to count
    store.record(answer(key("pick"), False, T0 - days(2)))
    store.record(answer(key("define"), True, T0 - days(1), kind="flashcard"))
    assert api.recent_misses(store, T0) == ((key("pick"), to_ms(T0 - days(2))),)


def test_stats_command_prints_tables_for_the_shipped_course(capsys):
    assert main(["stats", "--lessons", str(ROOT / "lessons")]) == 0
    out = capsys.readouterr().out
    for heading in ("lesson", "new", "learning", "learned", "recall", "today (and overdue)", "week of"):
        assert heading in out


def test_default_answer_handler_records_into_leaderdeck_home(home):
    record = api.default_answer_handler()
    record(answer(key("pick"), True, T0))
    record(answer(key("pick"), False, T0 + days(1)))
    assert (home / "progress.sqlite3").is_file()
    assert api.shared_store().review_count() == 2


def test_review_widget_records_answers_and_updates_its_status(home):
    course, catalog = api.load_catalog(ROOT / "lessons")
    view = api.review(ROOT / "lessons", new_per_day=3)
    assert len(view.queue) == 3 and view.status.startswith("3 due now (3 new) · 0 done")
    first = view.queue[0].card
    view._record(answer(first.key, True, datetime.now(UTC), kind=first.kind))
    assert api.shared_store().review_count() == 1
    assert "1 done · 2 to go" in view.status


def test_review_with_nothing_due_says_when_to_come_back(home):
    view = api.review(ROOT / "lessons", new_per_day=0)
    assert view.quiz is None and view.status.startswith("Nothing is due now. Come back")


def test_the_last_answer_of_a_review_survives_a_locked_store(home):
    """Nothing lost: an answer the store cannot take is kept and saved when the learner asks."""
    import sqlite3

    from leaderdeck.quizzes.session import Outcome

    view = api.review(ROOT / "lessons", new_per_day=1)
    step = view.quiz.session.current
    card = view.queue[0].card
    holder = sqlite3.connect(home / "progress.sqlite3", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another notebook in the middle of writing
    view.quiz._answered(Outcome(step, True, (answer(card.key, True, datetime.now(UTC), kind=card.kind),)))
    assert "1 answer not saved yet" in view.quiz.save_problem and "locked" in view.quiz.save_problem
    assert view.quiz.session.finished and api.shared_store().review_count() == 0
    holder.execute("ROLLBACK")
    holder.close()
    view.quiz.act("save")
    assert api.shared_store().review_count() == 1 and view.quiz.unsaved == []
    assert "1 done" in view.status


def test_days_follow_daylight_saving_in_the_learners_zone():
    """On the day clocks go forward in Berlin, midnight is 23:00 UTC the evening before."""
    from zoneinfo import ZoneInfo

    from leaderdeck.progress.review import day_start
    from leaderdeck.progress.stats import day_edges

    now = datetime(2025, 3, 30, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    assert day_start(now).astimezone(UTC) == datetime(2025, 3, 29, 23, 0, tzinfo=UTC)
    assert datetime.fromtimestamp(day_edges(now)[0] / 1000, UTC) == datetime(2025, 3, 30, 22, 0, tzinfo=UTC)


def test_local_now_carries_the_zones_rules_not_a_fixed_offset(monkeypatch):
    from zoneinfo import ZoneInfo

    monkeypatch.setenv("TZ", "Europe/Berlin")
    import tzlocal

    tzlocal.reload_localzone()
    try:
        assert isinstance(api.local_now().tzinfo, ZoneInfo)
    finally:
        monkeypatch.delenv("TZ")
        tzlocal.reload_localzone()


@pytest.mark.parametrize("zone", ["UTC-14", "CET-1CEST,M3.5.0,M10.5.0/3", "Not/AZone"])
def test_a_time_zone_we_cannot_use_falls_back_to_utc_with_one_warning(zone, monkeypatch, capsys):
    monkeypatch.setenv("TZ", zone)
    monkeypatch.setattr(api, "_zone_warned", False)
    monkeypatch.setattr("tzlocal.unix._cache_tz", None)  # as in a process started with this TZ
    assert api.local_now().utcoffset() == timedelta(0)
    lessons = Path(__file__).resolve().parents[2] / "lessons"
    assert main(["stats", "--lessons", str(lessons)]) == 0
    api.local_now()
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and zone in err and "UTC" in err, err
