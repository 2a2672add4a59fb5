"""Exchange with Anki at scale: importing a large review log and exporting it back.

A synthetic course (the deck benchmark's generator) of about 100,000 cards (quick: 10,000) and an
Anki collection of that deck with 10 reviews per card (1,000,000; quick: 100,000), made directly
with SQLite from the published deck's own collection, so the fixture takes seconds. Each of
`import-anki` (into an empty store) and `export-anki` (of the store it filled) runs once, in a
child process, for its wall time (imports and course loading included) and its peak memory (the
child's `ru_maxrss`).

Baselines, in the same run: for the import, bare SQLite doing the least an import must do: read
every revlog row with its note GUID and ordinal, and insert it into an empty table keyed like the
store's log, in one transaction; for the export, a child process loading the course and
building the plain deck (what export adds progress to).

A reported row puts the import's floor beside it: three parts no import into the store can skip,
each timed alone in this process: loading the course (to know which notes are ours), FSRS's own
`review_card` for every answer (the schedule is replayed, not copied), and inserting the rows the
import wrote into an empty store of the same schema. Their sum against the same baseline says how
much of the import's ratio is glue, and what a target asks of them.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from .bench_decks import NOW, write_course
from .harness import ROOT, Row, median_seconds

REVIEWS_PER_CARD = 10
PEAK_MB = 300
DAY_MS = 86_400_000
START_MS = 1_740_000_000_000
# a child process: argv = what, lessons, store, file; prints its own wall time
_CHILD = """
import sys, time
from pathlib import Path
start = time.perf_counter()
from leaderdeck.exchange import api
what, lessons, store, path = sys.argv[1:]
if what == "import":
    api.import_anki(path, lessons, store=store)
elif what == "export":
    api.export_anki(lessons, store=store, out=path)
else:  # the baseline: load the course and build its plain deck
    from leaderdeck.course import load_course
    from leaderdeck.decks import build_decks
    build_decks(load_course(Path(lessons)), Path(path), 1_750_000_000)
print(time.perf_counter() - start)
"""


def rows(quick: bool) -> list[Row]:
    from leaderdeck.course import load_course
    from leaderdeck.decks import build_decks

    with tempfile.TemporaryDirectory(prefix="leaderdeck-bench-exchange-") as folder:
        root = Path(folder)
        course = load_course(write_course(root, 7_700 if quick else 77_000) / "lessons")
        build_decks(course, root, NOW)
        anki = _studied_in_anki(root / "decks" / f"{course.id}.apkg", root / "anki" / "collection.anki2")
        reviews = _scalar(anki, "SELECT count(*) FROM revlog")
        cards = _scalar(anki, "SELECT count(*) FROM cards")
        bare = median_seconds(lambda: _bare_import(anki, root / "bare.sqlite3"), repeat=1, warmup=0)
        import_s, import_mb = _child("import", root, root / "store.sqlite3", anki)
        export_s, export_mb = _child("export", root, root / "store.sqlite3", root / "build" / "mine.apkg")
        build_s, build_mb = _child("build", root, root / "store.sqlite3", root / "plain")
        floor = _floor(root / "lessons", anki, root / "store.sqlite3", root / "floor.sqlite3")
    size = f"{reviews:,} reviews on {cards:,} cards"
    parts = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in floor.items())
    return [
        Row(f"import-anki into an empty store, {size}", import_s, "s", "≤ 3x bare SQLite",
            import_s / bare <= 3, baseline=f"bare SQLite {bare:.2f} s", ratio=import_s / bare),
        Row(f"import-anki floor ({parts}), {size}", sum(floor.values()), "s", "reported", True,
            baseline=f"bare SQLite {bare:.2f} s", ratio=sum(floor.values()) / bare),
        Row(f"import-anki peak memory, {size}", import_mb, "MB", f"< {PEAK_MB} MB", import_mb < PEAK_MB),
        Row(f"export-anki, {size}", export_s, "s", "≤ 3x plain deck build", export_s / build_s <= 3,
            baseline=f"deck build {build_s:.2f} s", ratio=export_s / build_s),
        Row(f"export-anki peak memory, {size}", export_mb, "MB", f"< {PEAK_MB} MB", export_mb < PEAK_MB,
            baseline=f"deck build {build_mb:.0f} MB"),
    ]


def _studied_in_anki(package: Path, out: Path) -> Path:
    """The published deck's collection with `REVIEWS_PER_CARD` answers logged for every card."""
    out.parent.mkdir(parents=True)
    with zipfile.ZipFile(package) as archive, archive.open("collection.anki2") as source, out.open("wb") as sink:
        shutil.copyfileobj(source, sink)
    with sqlite3.connect(out) as db:
        card_ids = [card_id for (card_id,) in db.execute("SELECT id FROM cards ORDER BY id")]
        db.executemany("INSERT INTO revlog VALUES (?, ?, -1, ?, 1, 1, 2500, 4000, 1)",
                       ((START_MS + n * 3 * DAY_MS + index * 17, card_id, 1 if (n + index) % 7 == 0 else 3)
                        for index, card_id in enumerate(card_ids) for n in range(REVIEWS_PER_CARD)))
    db.close()
    return out


def _bare_import(anki: Path, target: Path) -> None:
    with sqlite3.connect(target, isolation_level=None) as db:
        db.execute("CREATE TABLE reviews (id INTEGER PRIMARY KEY, card TEXT NOT NULL, reviewed_at INTEGER NOT NULL, "
                   "rating INTEGER NOT NULL, duration_ms INTEGER NOT NULL, UNIQUE (card, reviewed_at))")
        db.execute("ATTACH ? AS anki", (f"file:{anki}?mode=ro",))
        db.execute("BEGIN")
        rows = db.execute("SELECT n.guid || '#' || c.ord, r.id, r.ease, r.time FROM anki.revlog AS r "
                          "JOIN anki.cards AS c ON c.id = r.cid JOIN anki.notes AS n ON n.id = c.nid")
        db.executemany("INSERT INTO reviews (card, reviewed_at, rating, duration_ms) VALUES (?, ?, ?, ?)",
                       iter(rows.fetchone, None))
        db.execute("COMMIT")
    db.close()
    target.unlink()


def _floor(lessons: Path, anki: Path, imported: Path, empty: Path) -> dict[str, float]:
    """Seconds of each part an import cannot skip, timed alone (see the module's docstring)."""
    from fsrs import Card, Rating, Scheduler

    from leaderdeck.course import load_course
    from leaderdeck.progress.rows import INSERT_REVIEW
    from leaderdeck.progress.scheduler import from_ms
    from leaderdeck.progress.store import open_store

    course_s = median_seconds(lambda: load_course(lessons), repeat=1, warmup=0)
    with sqlite3.connect(f"file:{anki}?mode=ro", uri=True) as db:
        answers = [(card, from_ms(at), Rating(ease)) for card, at, ease in
                   db.execute("SELECT cid, id, ease FROM revlog WHERE ease > 0 ORDER BY cid, id")]
    db.close()
    fsrs = Scheduler(enable_fuzzing=False)

    def replay() -> None:
        card, last = Card(card_id=1), None
        for key, at, rating in answers:
            if key != last:
                card, last = Card(card_id=1), key
            card = fsrs.review_card(card, rating, at)[0]

    fsrs_s = median_seconds(replay, repeat=1, warmup=0)
    open_store(empty).close()  # the store's own schema, migrated
    write_s = 0.0
    with sqlite3.connect(imported) as source, sqlite3.connect(empty, isolation_level=None) as target:
        target.execute("BEGIN")
        rows = source.execute(f"SELECT {INSERT_REVIEW.split('(', 1)[1].split(')', 1)[0]} FROM reviews")
        while chunk := rows.fetchmany(50_000):
            start = time.perf_counter()
            target.executemany(INSERT_REVIEW, chunk)
            write_s += time.perf_counter() - start
        start = time.perf_counter()
        target.execute("COMMIT")
        write_s += time.perf_counter() - start
    source.close()
    target.close()
    return {"course load": course_s, "FSRS alone": fsrs_s, "writing the rows": write_s}


def _child(what: str, root: Path, store: Path, path: Path) -> tuple[float, float]:
    """Wall seconds (as the child measured them) and peak resident memory (MB) of one run."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "LEADERDECK_HOME": str(root / "home")}
    child = subprocess.Popen([sys.executable, "-c", _CHILD, what, str(root / "lessons"), str(store), str(path)],
                             cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)  # reaped here, not by Popen: its resource usage is ours to read
    child.returncode = os.waitstatus_to_exitcode(status)
    child.stdout.close()
    if child.returncode:
        raise RuntimeError(f"{what} failed with exit code {child.returncode}")
    return float(out.strip()), usage.ru_maxrss / 1024  # Linux counts kilobytes


def _scalar(database: Path, query: str) -> int:
    with sqlite3.connect(database) as db:
        value = db.execute(query).fetchone()[0]
    db.close()
    return value
