"""`ProgressStore.import_reviews`: idempotent, in time order wherever the new reviews fall, and
consistent with rebuilding the card states from the log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from leaderdeck.progress.store import open_store

from .conftest import answer

CARD = "testcourse/first-lesson/plain-card#0"
T0 = datetime(2025, 5, 1, 9, 0, tzinfo=UTC)


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def state(store) -> tuple:
    card = store.card(CARD)
    return card.memory, card.first_review_ms, card.reps, card.lapses


def test_interleaved_import_equals_answering_in_time_order(tmp_path: Path):
    notebook = [answer(CARD, 3, day(0)), answer(CARD, 3, day(4)), answer(CARD, 3, day(30))]
    anki = [answer(CARD, 1, day(2)), answer(CARD, 3, day(12))]
    with open_store(tmp_path / "merged.sqlite3") as merged, open_store(tmp_path / "ordered.sqlite3") as ordered:
        for a in notebook:
            merged.record(a)
        untouched = merged.history(CARD)[0]
        assert merged.import_reviews(anki) == (2, 0)
        for a in sorted(notebook + anki, key=lambda a: a.answered_at):
            ordered.record(a)
        assert state(merged) == state(ordered)
        by_time = sorted(merged.history(CARD), key=lambda r: r.reviewed_at_ms)
        assert [(r.rating, r.before, r.after) for r in by_time] == \
               [(r.rating, r.before, r.after) for r in ordered.history(CARD)]
        assert merged.history(CARD)[0] == untouched  # rows before the first new review stay as they were
        assert {r.origin for r in merged.history(CARD)[3:]} == {"anki"}


def test_import_twice_adds_nothing_and_changes_nothing(tmp_path: Path):
    reviews = [answer(CARD, 3, day(0)), answer(CARD, 1, day(5)), answer(CARD, 3, day(6))]
    with open_store(tmp_path / "s.sqlite3") as store:
        assert store.import_reviews(reviews) == (3, 0)
        snapshot = (store.history(), store.cards())
        assert store.import_reviews(reviews + reviews[:1]) == (0, 4)
        assert (store.history(), store.cards()) == snapshot


def test_rebuilding_the_cache_after_an_import_gives_the_same_states(tmp_path: Path):
    with open_store(tmp_path / "s.sqlite3") as store:
        store.record(answer(CARD, 3, day(10)))
        store.record(answer("testcourse/first-lesson/pick-one#0", 3, day(1), "choice"))
        store.import_reviews([answer(CARD, 3, day(1)), answer(CARD, 1, day(8))])  # older than the notebook's
        cached = sorted(store.cards(), key=lambda c: c.card)
        store.rebuild_cards()
        assert sorted(store.cards(), key=lambda c: c.card) == cached
        assert store.card(CARD).memory.last_review_ms == int(day(10).timestamp() * 1000)
