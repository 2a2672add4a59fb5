"""The progress store at scale: 100,000 cards and 1,000,000 reviews, beside bare SQLite.

Each figure is a whole operation including its commit. The baseline runs the same SQL through a
bare `sqlite3` connection to the same file in the same run, so the ratio shows what leaderdeck
adds (filtering removed items, scheduling, building values, aggregating in Python).
The synthetic store is built once with executemany and cached in the temp folder.
"""

from __future__ import annotations

import itertools
import random
import sqlite3
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from leaderdeck.events import Answer, Rating
from leaderdeck.identity import CardKey
from leaderdeck.progress.api import dashboard_of, gather
from leaderdeck.progress.catalog import Catalog, CatalogCard
from leaderdeck.progress.migrations import MIGRATIONS
from leaderdeck.progress.review import todays_queue
from leaderdeck.progress.scheduler import DAY_MS, from_ms, to_ms
from leaderdeck.progress.stats import day_edges, format_dashboard, summarize, week_edges
from leaderdeck.progress.store import open_store

from .harness import Row, median_seconds

LESSONS, ITEMS, REVIEWS_PER_CARD = 100, 1000, 10
NOW = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
KINDS = ("flashcard", "cloze", "choice", "order", "reflection")


def synthetic_catalog() -> Catalog:
    cards = tuple(CatalogCard(f"bench/lesson-{lesson:03}/item-{item:04}#0", f"lesson-{lesson:03}",
                              f"concept-{item % 10}", KINDS[item % len(KINDS)])
                  for lesson in range(LESSONS) for item in range(ITEMS))
    return Catalog(cards, {f"lesson-{n:03}": f"Lesson {n}" for n in range(LESSONS)})


def synthetic_store(catalog: Catalog) -> Path:
    folder = Path(tempfile.gettempdir()) / "leaderdeck-bench"
    path = folder / f"progress-{len(catalog)}-v{MIGRATIONS[-1].version}.sqlite3"
    if not path.exists():
        folder.mkdir(exist_ok=True)
        partial = path.with_suffix(".building")
        for leftover in folder.glob(partial.name + "*"):
            leftover.unlink()
        open_store(partial).close()
        _fill(partial, catalog)
        partial.rename(path)
    return path


def _fill(path: Path, catalog: Catalog) -> None:
    rng, now = random.Random(7), to_ms(NOW)
    reviews, cards = [], []
    for card in catalog.cards:
        times = sorted(now - rng.randrange(1, 365 * DAY_MS) for _ in range(REVIEWS_PER_CARD))
        stability = rng.uniform(1, 200)
        due = times[-1] + int(stability * DAY_MS)
        for n, at in enumerate(times):
            reviews.append((card.key, card.kind, at, 3 if n % 4 else 1, int(n % 4 != 0), 4000,
                            2, None, stability, 5.0, at, times[n - 1] if n else None,
                            2, None, stability, 5.0, due if n == len(times) - 1 else times[n] + DAY_MS))
        cards.append((card.key, card.kind, 2, None, stability, 5.0, due, times[-1], times[0],
                      REVIEWS_PER_CARD, 1, card.lesson, card.concept, 1))
    db = sqlite3.connect(path)
    db.executemany("INSERT INTO reviews (card, kind, reviewed_at, rating, correct, duration_ms, "
                   "state_before, step_before, stability_before, difficulty_before, due_before, "
                   "last_review_before, state_after, step_after, stability_after, difficulty_after, "
                   "due_after) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", reviews)
    db.executemany("INSERT INTO cards VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", cards)
    db.execute("INSERT INTO catalog_sync VALUES (1, ?)", (catalog.fingerprint,))
    db.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def rows(quick: bool) -> list[Row]:
    repeat = 15 if quick else 101
    catalog = synthetic_catalog()
    path = synthetic_store(catalog)
    bare = sqlite3.connect(path, isolation_level=None)
    bare.execute("PRAGMA synchronous=NORMAL")
    with open_store(path) as store:
        measured = [_due(store, bare, catalog, repeat), _queue(store, bare, catalog, repeat),
                    _record(store, bare, catalog, repeat), *_dashboard(store, bare, catalog, max(5, repeat // 10))]
    return [*measured, _stats(path, catalog, max(3, repeat // 10)), *_checks(bare)]


def _stats(path: Path, catalog: Catalog, repeat: int) -> Row:
    """`leaderdeck stats` after the course is loaded: open (probe, schema check), aggregate, format."""
    def run() -> None:
        with open_store(path) as store:
            format_dashboard(dashboard_of(store, catalog, NOW))

    seconds = median_seconds(run, repeat)
    return Row("stats: open, aggregate, format (100k cards, 1M reviews)", seconds * 1000, "ms", "< 1000 ms",
               seconds < 1.0)


def _checks(bare: sqlite3.Connection) -> list[Row]:
    """What verifying the file before the first write in a process costs at 1M reviews."""
    rows = []
    for pragma, target in (("quick_check", 1.5), ("integrity_check", 6.0)):
        seconds = median_seconds(lambda p=pragma: bare.execute(f"PRAGMA {p}").fetchall(), 1, warmup=0)
        rows.append(Row(f"PRAGMA {pragma} (1M reviews, {_size_mib(bare)} MiB)", seconds * 1000, "ms",
                        f"< {target * 1000:g} ms", seconds < target))
    return rows


def _size_mib(bare: sqlite3.Connection) -> int:
    pages, size = (bare.execute(f"PRAGMA {name}").fetchone()[0] for name in ("page_count", "page_size"))
    return pages * size >> 20


def _row(figure: str, seconds: float, target_ms: float, baseline: str, bare_seconds: float) -> Row:
    return Row(figure, seconds * 1000, "ms", f"< {target_ms:g} ms", seconds * 1000 < target_ms,
               baseline=f"{baseline} {bare_seconds * 1000:.3f} ms", ratio=seconds / bare_seconds)


DUE_SQL = "SELECT card, due FROM cards WHERE due <= ? ORDER BY due, card LIMIT 50"


def _due(store, bare, catalog, repeat) -> Row:
    now = to_ms(NOW)
    ours = median_seconds(lambda: store.due(now, 50, present=catalog), repeat)
    theirs = median_seconds(lambda: bare.execute(DUE_SQL, (now,)).fetchall(), repeat)
    return _row("next 50 due cards (100k cards)", ours, 5, "bare SQL", theirs)


def _queue(store, bare, catalog, repeat) -> Row:
    ours = median_seconds(lambda: todays_queue(store, catalog, NOW, new_per_day=20, limit=50), repeat)
    theirs = median_seconds(lambda: bare.execute(DUE_SQL, (to_ms(NOW),)).fetchall(), repeat)
    return _row("today's queue: 50 due + new, interleaved", ours, 5, "bare SQL", theirs)


def _record(store, bare, catalog, repeat) -> Row:
    rng, tick = random.Random(3), iter(range(10**9))
    keys = catalog.keys
    latest = bare.execute("SELECT max(reviewed_at) FROM reviews").fetchone()[0]  # the cached store grows

    def ours() -> None:
        card = CardKey.parse(keys[rng.randrange(len(keys))])
        store.record(Answer(card, "choice", True, Rating.GOOD, 3000,
                            from_ms(latest + 1 + next(tick))))

    def theirs() -> None:
        key, at = keys[rng.randrange(len(keys))], latest + 10**7 + next(tick)
        bare.execute("BEGIN IMMEDIATE")
        bare.execute("SELECT * FROM cards WHERE card = ?", (key,)).fetchone()
        bare.execute("INSERT INTO reviews (card, kind, reviewed_at, rating, correct, duration_ms, "
                     "state_after, stability_after, difficulty_after, due_after) "
                     "VALUES (?, 'choice', ?, 3, 1, 3000, 2, 9.0, 5.0, ?)", (key, at, at + DAY_MS))
        bare.execute("INSERT INTO cards (card, kind, state, step, stability, difficulty, due, last_review, "
                     "first_review, reps, lapses) VALUES (?, 'choice', 2, NULL, 9.0, 5.0, ?, ?, ?, 11, 1) "
                     "ON CONFLICT (card) DO UPDATE SET state = 2, stability = 9.0, due = excluded.due, "
                     "last_review = excluded.last_review, reps = reps + 1", (key, at + DAY_MS, at, at))
        bare.execute("COMMIT")

    return _row("record one answer (incl. commit)", median_seconds(ours, repeat), 2, "bare SQL",
                median_seconds(theirs, repeat))


def _dashboard(store, bare, catalog, repeat) -> list[Row]:
    factor, decay = store.scheduling.forgetting_curve
    now, days, weeks = to_ms(NOW), day_edges(NOW), week_edges(NOW)

    def ours() -> None:
        summarize(catalog, gather(store, catalog, NOW), NOW)

    # The course changes between calls: its last lesson (1,000 cards) is removed, then comes back.
    shorter = Catalog(tuple(c for c in catalog.cards if c.lesson != catalog.cards[-1].lesson), catalog.lesson_titles)
    courses = itertools.cycle([shorter, catalog])

    def cold() -> None:
        course = next(courses)
        summarize(course, gather(store, course, NOW), NOW)

    def theirs() -> None:
        bare.execute(STANDINGS_SQL, (2, factor, now, DAY_MS, decay)).fetchall()
        bare.execute("SELECT fingerprint FROM catalog_sync").fetchone()
        bare.execute("SELECT card FROM cards WHERE present = 0").fetchall()
        bare.execute("SELECT due FROM cards WHERE due < ? AND +present = 1", (days[-1],)).fetchall()
        for pair in zip(weeks, weeks[1:], strict=False):
            bare.execute("SELECT count(*), sum(correct) FROM reviews WHERE reviewed_at >= ? "
                         "AND reviewed_at < ?", pair).fetchone()
        bare.execute("SELECT card, due FROM cards WHERE due > ? ORDER BY due LIMIT 1", (now,)).fetchone()
        bare.execute("SELECT card, reviewed_at FROM reviews WHERE reviewed_at >= ? AND rating = 1 "
                     "ORDER BY reviewed_at", (now - 14 * DAY_MS,)).fetchall()

    baseline = median_seconds(theirs, repeat)
    return [_row("dashboard aggregates (1M reviews)", median_seconds(ours, repeat), 200, "bare SQL", baseline),
            _row("dashboard after the course changed (a lesson removed or back)", median_seconds(cold, 4), 1000,
                 "bare SQL", baseline)]


STANDINGS_SQL = ("SELECT lesson, concept, count(*), sum(state != ?), "
                 "sum(pow(1 + ? * max(0, (? - last_review) / ?) / stability, ?)), sum(lapses) "
                 "FROM cards WHERE present = 1 GROUP BY 1, 2")
