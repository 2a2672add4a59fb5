"""Moving progress between the site and the desktop: the store file, whole, in both directions.

`snapshot` is a consistent copy of a store as bytes (the site's download); `merge_store` adds the
reviews of another store file to a store, each card replayed through FSRS in time order, the way
`import-anki` merges Anki's reviews: a review already present (same card, same millisecond) is
not added again, so merging twice, or merging a store back into itself, changes nothing.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..events import Answer, Rating
from ..identity import CardKey
from ..progress.scheduler import from_ms
from ..progress.store import ProgressStore, open_store

DOWNLOAD_NAME = "leaderdeck-progress.sqlite3"


def snapshot(path: Path) -> bytes:
    """The store at `path` as one self-contained database file (its WAL folded in)."""
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        copy = sqlite3.connect(":memory:")
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")
        return copy.serialize()
    finally:
        source.close()


def merge_store(source: Path, target: ProgressStore) -> tuple[int, int]:
    """Add the reviews of the store file `source` to `target`; return (added, already present)."""
    with open_store(source) as other:
        answers = [Answer(CardKey.parse(r.card), r.kind, r.correct, Rating(r.rating), r.duration_ms,
                          from_ms(r.reviewed_at_ms), r.response) for r in other.history()]
    return target.import_reviews(answers, origin="site") if answers else (0, 0)
