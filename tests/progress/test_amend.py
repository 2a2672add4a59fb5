""""I was right" after a miss: the miss is stored at once, and the correction is a new row that
replaces it. The log keeps both rows; every reader counts one review, the corrected one."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from leaderdeck.events import Rating
from leaderdeck.progress.store import AMEND_WINDOW_MS, StoreError

from .conftest import T0, answer, days, key


def correction(miss, after: timedelta = timedelta(seconds=5)):
    return replace(miss, correct=True, rating=Rating.GOOD, replaces=miss.answered_at,
                   answered_at=miss.answered_at + after)


def test_a_correction_replaces_the_stored_miss_everywhere(store):
    store.record(answer(key("pick"), True, T0 - days(3)))
    miss = answer(key("pick"), False, T0, kind="cloze")
    store.record(miss)
    assert store.card(key("pick")).lapses == 0 and store.card(key("pick")).reps == 2
    fixed = store.record(correction(miss))
    assert fixed.rating == 3 and fixed.before == store.history(key("pick"))[0].after
    assert [r.rating for r in store.history(key("pick"))] == [3, 3]
    assert [r.rating for r in store.review_log()] == [3, 3] and store.review_count() == 2
    card = store.card(key("pick"))
    assert card.memory == fixed.after and card.reps == 2
    assert store.activity([0, 2 ** 62]) == [(2, 2)]
    assert store._db.execute("SELECT count(*) FROM reviews").fetchone() == (3,)  # append-only: the miss stays
    cached = store.cards()
    store.rebuild_cards()
    assert store.cards() == cached


def test_a_correction_of_a_first_review_makes_it_the_first(store):
    miss = answer(key("pick"), False, T0, kind="cloze")
    store.record(miss)
    fixed = store.record(correction(miss))
    assert store.card(key("pick")).first_review_ms == fixed.reviewed_at_ms and fixed.before is None
    cached = store.cards()
    store.rebuild_cards()
    assert store.cards() == cached


def test_recording_a_correction_again_stores_nothing_more(store):
    miss = answer(key("pick"), False, T0, kind="cloze")
    store.record(miss)
    assert store.record(correction(miss)) == store.record(correction(miss))
    assert store._db.execute("SELECT count(*) FROM reviews").fetchone() == (2,)


def test_only_the_latest_recent_review_can_be_replaced(store):
    miss = answer(key("pick"), False, T0, kind="cloze")
    store.record(miss)
    with pytest.raises(StoreError, match="too late"):
        store.record(correction(miss, timedelta(milliseconds=AMEND_WINDOW_MS + 1)))
    store.record(answer(key("pick"), True, T0 + timedelta(seconds=2)))
    with pytest.raises(StoreError, match="latest review"):
        store.record(correction(miss))
    with pytest.raises(StoreError, match="latest review"):
        store.record(correction(answer(key("other"), False, T0)))
    assert store._db.execute("SELECT count(*) FROM reviews").fetchone() == (2,)


def test_an_import_after_a_correction_replays_without_the_replaced_row(store):
    miss = answer(key("pick"), False, T0, kind="cloze")
    store.record(miss)
    store.record(correction(miss))
    cached = store.card(key("pick"))
    store.import_reviews([answer(key("pick"), True, T0 - days(2))])  # an older review from Anki: a replay
    assert [r.rating for r in store.history(key("pick"))] == [3, 3]
    assert store.card(key("pick")).reps == 2 and store.card(key("pick")).memory != cached.memory
    replayed = store.cards()
    store.rebuild_cards()
    assert store.cards() == replayed
