"""An import merges a card's reviews in one transaction: a card split over two batches was read
back and replayed again, so one card with a long history made `import-anki` quadratic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from leaderdeck.exchange import merge
from leaderdeck.exchange.export import export_with_progress
from leaderdeck.exchange.merge import import_anki
from leaderdeck.progress.store import ProgressStore, open_store

from .conftest import answer

LONG, SHORT = "testcourse/first-lesson/plain-card#0", "testcourse/second-lesson/last-card#0"
T0 = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


def test_no_card_is_split_between_batches(course, store, tmp_path, monkeypatch):
    for n in range(7):
        store.record(answer(LONG, 3 if n % 3 else 1, T0 + timedelta(days=n)))
    for n in range(2):
        store.record(answer(SHORT, 3, T0 + timedelta(days=n, hours=1)))
    package = tmp_path / "studied.apkg"
    export_with_progress(course, store, package, 1_800_000_000, 0)

    batches: list[list[str]] = []
    merge_batch = ProgressStore.import_reviews

    def watched(self: ProgressStore, reviews, *args, **kwargs):  # type: ignore[no-untyped-def]
        batches.append([review.card for review in reviews])
        return merge_batch(self, reviews, *args, **kwargs)

    monkeypatch.setattr(merge, "BATCH", 3)
    monkeypatch.setattr(ProgressStore, "import_reviews", watched)
    with open_store(tmp_path / "target.sqlite3") as target:
        summary = import_anki(package, course, target, now_ms=1_800_000_000_000)
        assert summary.added == 9
        assert sorted(map(sorted, batches)) == [[LONG] * 7, [SHORT] * 2]  # each card whole, in one batch
        assert target.cards() == store.cards()
