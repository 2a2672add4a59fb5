from __future__ import annotations

import sqlite3

import pytest
from fsrs import State
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leaderdeck.progress import migrations
from leaderdeck.progress.migrations import MIGRATIONS, Migration, schema_version
from leaderdeck.progress.scheduler import from_ms, to_ms
from leaderdeck.progress.store import default_store_path, open_store

from .conftest import T0, answer, days, key, small_catalog


def test_default_location_follows_leaderdeck_home(home, monkeypatch):
    assert default_store_path() == home / "progress.sqlite3"
    monkeypatch.delenv("LEADERDECK_HOME")
    assert default_store_path().name == "progress.sqlite3" and "leaderdeck" in str(default_store_path())


def test_a_new_store_is_in_wal_mode_at_the_latest_schema(tmp_path):
    with open_store(tmp_path / "deep" / "folder" / "p.sqlite3") as store:
        db = store._db
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert schema_version(db) == MIGRATIONS[-1].version
        names = [row[0] for row in db.execute("SELECT name FROM schema_migrations ORDER BY version")]
        assert names == [m.name for m in MIGRATIONS]


def test_a_review_round_trips_with_memory_before_and_after(store):
    first = store.record(answer(key("pick"), True, T0))
    second = store.record(answer(key("pick"), False, T0 + days(1)))
    assert first.before is None and first.after.state == State.Learning
    assert second.before == first.after and second.rating == 1 and not second.correct
    assert store.history(key("pick")) == [first, second]
    card = store.card(key("pick"))
    assert card.memory == second.after and card.reps == 2 and card.first_review_ms == to_ms(T0)


def test_recording_the_same_answer_twice_stores_it_once(store):
    once = store.record(answer(key("pick"), True, T0))
    again = store.record(answer(key("pick"), True, T0))
    assert again == once and store.review_count() == 1 and store.card(key("pick")).reps == 1


def test_lapses_count_forgetting_a_graduated_card(store):
    at = T0
    for _ in range(3):
        review = store.record(answer(key("pick"), True, at))
        at = from_ms(review.after.due_ms)
    assert store.card(key("pick")).memory.state == State.Review
    store.record(answer(key("pick"), False, at))
    assert store.card(key("pick")).lapses == 1


ratings = st.lists(st.tuples(st.sampled_from([key("a"), key("b"), key("c", 1)]), st.integers(1, 4),
                             st.integers(1, 30 * 24 * 60)), min_size=1, max_size=40)


def _record(store, steps) -> None:
    """Answer cards in turn: (card, rating, minutes after the previous answer)."""
    at = T0
    for card, rating, minutes in steps:
        at += days(minutes / 1440)
        store.record(answer(card, rating > 1, at, rating=rating))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ratings)
def test_the_card_cache_rebuilds_exactly_from_the_log(tmp_path_factory, steps):
    with open_store(tmp_path_factory.mktemp("rebuild") / "p.sqlite3") as store:
        _record(store, steps)
        cached = store.cards()
        assert store.rebuild_cards() == len(cached)
        assert store.cards() == cached


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ratings)
def test_the_lean_review_log_says_what_the_full_history_says(tmp_path_factory, steps):
    with open_store(tmp_path_factory.mktemp("log") / "p.sqlite3") as store:
        _record(store, steps)
        expected = [(r.card, r.reviewed_at_ms, r.rating, r.duration_ms, r.before and r.before.state,
                     r.before and r.before.interval_ms, r.after.state, r.after.interval_ms, r.after.difficulty)
                    for r in store.history()]
        in_time_order = sorted(expected, key=lambda review: review[1])  # stable: ties keep recording order
        assert [tuple(logged)[:9] for logged in store.review_log()] == in_time_order


def test_due_is_most_overdue_first_and_skips_removed_items(store):
    catalog = small_catalog()
    for n, card in enumerate([key("pick"), key("fill"), key("gone")]):
        store.record(answer(card, False, T0 + days(n) / 100))  # Again: due a minute later
    now = to_ms(T0 + days(1))
    assert [k for k, _ in store.due(now, 10)] == [key("pick"), key("fill"), key("gone")]
    assert [k for k, _ in store.due(now, 10, present=catalog)] == [key("pick"), key("fill")]
    assert [k for k, _ in store.due(now, 1, present=catalog)] == [key("pick")]
    assert store.due(to_ms(T0), 10) == []


def test_removed_items_keep_their_history_and_resume_when_restored(store):
    catalog = small_catalog()
    review = store.record(answer(key("pick"), True, T0))
    without = type(catalog)(tuple(c for c in catalog.cards if c.key != key("pick")), catalog.lesson_titles)
    later = to_ms(T0 + days(3))
    assert store.due(later, 10, present=without) == [] and store.unseen(without.keys, 10)[-1] != key("pick")
    assert store.history(key("pick")) == [review]  # nothing deleted
    assert store.due(later, 10, present=catalog) == [(key("pick"), review.after.due_ms)]


def test_unseen_and_introduced_since_drive_the_daily_new_limit(store):
    catalog = small_catalog()
    store.record(answer(key("define"), True, T0, kind="flashcard"))
    store.record(answer(key("pick"), True, T0 + days(1)))
    assert store.unseen(catalog.keys, 3) == [key("define", 1), key("fill", 0), key("fill", 1)]
    assert store.introduced_since(to_ms(T0 + days(0.5)), present=catalog) == 1
    assert store.introduced_since(to_ms(T0), present=catalog) == 2


def test_an_older_store_migrates_on_open(tmp_path, monkeypatch):
    path = tmp_path / "p.sqlite3"
    old = sqlite3.connect(path, isolation_level=None)
    migrations.migrate(old, 0, MIGRATIONS[:1])  # as the first release left it
    old.execute("INSERT INTO reviews (card, kind, reviewed_at, rating, correct, duration_ms, state_after, "
                "stability_after, difficulty_after, due_after) "
                "VALUES ('c/l/i#0', 'choice', 5, 3, 1, 9, 1, 2.0, 5.0, 9)")
    old.close()
    extra = Migration(len(MIGRATIONS) + 1, "notes on reviews", ("ALTER TABLE reviews ADD COLUMN note TEXT",))
    monkeypatch.setattr(migrations, "MIGRATIONS", (*MIGRATIONS, extra))
    with open_store(path) as store:
        assert schema_version(store._db) == extra.version
        assert store.review_count() == 1 and store.rebuild_cards() == 1
        assert store._db.execute("SELECT note FROM reviews").fetchone() == (None,)


def test_a_failing_migration_changes_nothing(tmp_path):
    path = tmp_path / "p.sqlite3"
    open_store(path).close()
    broken = (*MIGRATIONS, Migration(90, "good", ("CREATE TABLE extra (x)",)),
              Migration(91, "bad", ("THIS IS NOT SQL",)))
    connection = sqlite3.connect(path, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError):
        migrations.migrate(connection, 0, broken)
    assert schema_version(connection) == MIGRATIONS[-1].version
    assert not connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'extra'").fetchone()
    connection.close()


def test_pow_is_supplied_when_sqlite_lacks_math_functions(tmp_path):
    """Some SQLite builds have no `pow`; the dashboard's recall query needs it."""
    import sqlite3

    from leaderdeck.progress.store import _ensure_math

    class NoMath(sqlite3.Connection):
        def execute(self, sql, *args):
            if "pow(" in sql and not getattr(self, "supplied", False):
                raise sqlite3.OperationalError("no such function: pow")
            return super().execute(sql, *args)

        def create_function(self, name, *args, **kwargs):
            self.supplied = True
            return super().create_function(name, *args, **kwargs)

    connection = sqlite3.connect(tmp_path / "x.sqlite3", factory=NoMath)
    _ensure_math(connection)
    assert connection.execute("SELECT pow(2, 10)").fetchone() == (1024.0,)
