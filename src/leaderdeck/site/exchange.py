"""Moving progress between the site and the desktop: the store file, whole, in both directions.

`snapshot` is a consistent copy of a store as bytes (the site's download, and what a read-only
tab shows: `read_only_copy`); `merge_store` adds the
reviews of another store file to a store (`exchange.progress_file`, as `leaderdeck
import-progress` does on the desktop), each card replayed through FSRS in time order, each review
keeping its origin: a review already present (same card, same millisecond) is not added again,
so merging twice, or merging a store back into itself, changes nothing.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

from ..exchange.progress_file import ProgressSummary, merge_progress, open_progress_file
from ..progress.catalog import Catalog
from ..progress.files import READ_ONLY_REASONS
from ..progress.store import STORE_FILE, ProgressStore, open_store

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


def read_only_copy(store: Path, folder: Path, reason: str, catalog: Catalog | None = None) -> Path:
    """A read-only snapshot of the store at `store` (its write-ahead log folded in) as `folder`'s
    progress store, for a kernel that must not write: it shows the progress the store holds now,
    and an answer given there is refused with `reason`. `store`'s own files are only copied.

    The copy's cards are placed in `catalog`'s lessons before it becomes read-only: a writer that
    only ran quizzes left its new cards unplaced (its next dashboard places them), and a read-only
    store cannot place them, so a read-only dashboard counted none of them."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / STORE_FILE
    READ_ONLY_REASONS.pop(target.absolute(), None)
    target.unlink(missing_ok=True)
    if store.exists():
        with tempfile.TemporaryDirectory(dir=folder) as scratch:  # SQLite reads the copy, never `store`
            copy = Path(scratch) / STORE_FILE
            for suffix in ("", "-wal"):
                if Path(f"{store}{suffix}").exists():
                    shutil.copyfile(f"{store}{suffix}", f"{copy}{suffix}")
            target.write_bytes(snapshot(copy))
        if catalog is not None:
            with open_store(target) as shown:
                shown.use_catalog(catalog)
    else:
        open_store(target).close()  # nothing answered yet: an empty store
    READ_ONLY_REASONS[target.absolute()] = reason  # opened immutable: nothing can be recorded
    return target


def merge_store(source: Path, target: ProgressStore) -> tuple[int, int]:
    """Add the reviews of the store file `source` (untrusted: see `progress_file`) to `target`,
    each with its origin; return (added, already present)."""
    summary = merge_summary(source, target)
    return summary.added, summary.present


def merge_summary(source: Path, target: ProgressStore) -> ProgressSummary:
    """`merge_store`, with all it counted (the reviews dated in the future it skipped too)."""
    with open_progress_file(source) as other:
        return merge_progress(other, target, time.time_ns() // 1_000_000)
