"""Exchange with Anki: exporting a deck with progress and importing reviews back, at scale.

A synthetic course (the deck benchmark's generator) where every card has been reviewed three
times. Baselines, measured in the same run: building the plain deck (what export adds progress
to), and recording the same reviews one by one through `ProgressStore.record` (what a notebook
does for each answer; the import merges them in one transaction). Each timed run that writes
a store writes a new one, so it runs once.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .bench_decks import NOW, write_course
from .harness import Row, median_seconds, paired_seconds

REVIEWS_PER_CARD = 3


def rows(quick: bool) -> list[Row]:
    from leaderdeck.course import load_course
    from leaderdeck.decks import build_decks
    from leaderdeck.exchange.export import export_with_progress
    from leaderdeck.exchange.merge import import_anki
    from leaderdeck.progress.store import open_store

    with tempfile.TemporaryDirectory(prefix="leaderdeck-bench-exchange-") as folder:
        root = Path(folder)
        course = load_course(write_course(root, 1_000 if quick else 5_000) / "lessons")
        build_decks(course, root, NOW)
        answers = _answers(course)
        record_s = median_seconds(lambda: _record_all(open_store, root / "recorded.sqlite3", answers),
                                  repeat=1, warmup=0)
        store = open_store(root / "studied.sqlite3")
        store.import_reviews(answers)
        out = root / "build" / "mine.apkg"
        export = paired_seconds(lambda: export_with_progress(course, store, out, NOW, 0),
                                lambda: build_decks(course, root / "plain", NOW), repeat=3 if quick else 7)
        import_s = median_seconds(lambda: import_anki(out, course, open_store(root / "imported.sqlite3")),
                                  repeat=1, warmup=0)
    reviews = len(answers)
    return [
        Row(f"export-anki, {reviews:,} reviews on {reviews // REVIEWS_PER_CARD:,} cards", export.seconds, "s",
            "≤ 2x plain deck build", export.ratio <= 2, baseline=f"deck build {export.baseline_seconds:.2f} s",
            ratio=export.ratio),
        Row(f"import-anki of that package into an empty store ({reviews:,} reviews)", import_s, "s",
            "≤ 1x recording each", import_s / record_s <= 1, baseline=f"record() each {record_s:.2f} s",
            ratio=import_s / record_s),
    ]


def _answers(course) -> list:
    from leaderdeck.events import Answer, Rating
    from leaderdeck.identity import CardKey
    from leaderdeck.progress.catalog import catalog_of

    start = datetime(2025, 3, 1, 9, tzinfo=UTC)
    return [Answer(CardKey.parse(card.key), card.kind, True, Rating.GOOD, 2000,
                   start + timedelta(days=4 * n, seconds=index))
            for index, card in enumerate(catalog_of(course).cards) for n in range(REVIEWS_PER_CARD)]


def _record_all(open_store, path: Path, answers: list) -> None:
    with open_store(path) as store:
        for answer in answers:
            store.record(answer)
