"""Moving progress between the site and the desktop: the store file, whole, in both directions.

`snapshot` is a consistent copy of a store as bytes (the site's download); `merge_store` adds the
reviews of another store file to a store (`exchange.progress_file`, as `leaderdeck
import-progress` does on the desktop), each card replayed through FSRS in time order, each review
keeping its origin: a review already present (same card, same millisecond) is not added again,
so merging twice, or merging a store back into itself, changes nothing.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from ..exchange.progress_file import merge_progress, open_progress_file
from ..progress.store import ProgressStore

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
    """Add the reviews of the store file `source` (untrusted: see `progress_file`) to `target`,
    each with its origin; return (added, already present)."""
    with open_progress_file(source) as other:
        summary = merge_progress(other, target, time.time_ns() // 1_000_000)
    return summary.added, summary.present
