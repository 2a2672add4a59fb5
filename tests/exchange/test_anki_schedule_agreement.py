"""One schedule in two places: several simulated study days in a real Anki collection, imported
back, give every card Anki's due date and stability; several study days in leaderdeck, exported
and imported into Anki with FSRS on, give every card the same due date and memory there.

Anki's backend reads the system clock, so each Anki session is its own process under libfaketime,
in a time zone far from UTC, at times of day that vary by a few hundred milliseconds to a few
hours (one session before the rollover hour, so it belongs to the day before).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zlib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from leaderdeck.decks.compile import note_guid
from leaderdeck.exchange.api import import_anki
from leaderdeck.exchange.export import export_with_progress
from leaderdeck.identity import CardKey
from leaderdeck.progress.catalog import catalog_of
from leaderdeck.progress.scheduler import StudyDays, to_ms
from leaderdeck.progress.store import open_store

from .conftest import answer

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("faketime") is None, reason=(
        "libfaketime is missing (apt-get install faketime): Anki's backend reads the system clock, so "
        "simulated study days need a fake one")),
]
pytest.importorskip("anki")

SCRIPT = Path(__file__).with_name("anki_study_day.py")
ZONE = "Asia/Kolkata"  # UTC+5:30: a day boundary that is not UTC's
TOLERANCE = 0.005  # stability within 0.5%
# (local time, session): 10:00:00.689, then the next day 289 ms "earlier", then 04:30 before a 5 am
# rollover (so still the 4th), the evening of the 5th, and a morning two days later
ANKI_SESSIONS = [("2026-11-02 10:00:00.689", 0), ("2026-11-03 10:00:00.400", 1), ("2026-11-05 04:30:00", 2),
                 ("2026-11-05 21:00:00", 3), ("2026-11-07 09:15:00", 4), ("2026-11-08 19:40:00", 5)]
ANKI_ROLLOVER = 5
REPORT_AT = "2026-11-09 12:00:00"


@pytest.fixture
def in_zone(monkeypatch):
    """This process in the learners' zone too, as `import-anki` would run on their machine."""
    import tzlocal

    monkeypatch.setenv("TZ", ZONE)
    tzlocal.reload_localzone()
    yield ZoneInfo(ZONE)
    monkeypatch.delenv("TZ")
    tzlocal.reload_localzone()


def anki(collection: Path, at: str, *arguments: str, fuzz: bool = False) -> str:
    environment = {**os.environ, "TZ": ZONE, "ANKI_TEST_MODE": "1"}  # test mode: no interval fuzz
    if fuzz:  # as learners have it: fuzz, and load balancing (the setup turns it on)
        del environment["ANKI_TEST_MODE"]
        environment["ANKI_STUDY_DAY_LOAD_BALANCE"] = "1"
    done = subprocess.run(["faketime", "-f", f"@{at}", sys.executable, str(SCRIPT), str(collection), *arguments],
                          env=environment, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def anki_report(collection: Path, at: str, rollover: int) -> dict[tuple[str, int], dict]:
    """Each studied card's scheduling in Anki, with its due date as a calendar date."""
    report = json.loads(anki(collection, at, "report"))
    days = StudyDays(ZoneInfo(ZONE), rollover)
    today = date.fromordinal(days.day_of(local_ms(at)))
    cards = {}
    for card in report["cards"]:
        if card["reps"]:
            in_days = card["due"] < 1_000_000_000  # a day number, else (intraday learning) epoch seconds
            card["due_date"] = (today + timedelta(days=card["due"] - report["today"]) if in_days
                                else date.fromordinal(days.day_of(card["due"] * 1000)))
            cards[(card["guid"], card["ord"])] = card
    return cards


def local_ms(text: str) -> int:
    return to_ms(datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(ZONE)))


def disagreements(store, course, anki_cards, days: StudyDays, memory_of) -> list[str]:
    problems = []
    for key in (c.key for c in catalog_of(course).cards):
        card_key = CardKey.parse(key)
        theirs = anki_cards.get((note_guid(card_key.note), card_key.ordinal))
        ours = store.card(key)
        if theirs is None or ours is None:
            assert theirs is None and ours is None, key
            continue
        due = date.fromordinal(days.day_of(ours.memory.due_ms))
        stability = memory_of(theirs)
        error = abs(ours.memory.stability - stability) / stability
        if due != theirs["due_date"] or error > TOLERANCE:
            problems.append(f"{key}: due {due} / Anki {theirs['due_date']}, "
                            f"S {ours.memory.stability:.4f} / Anki {stability:.4f}")
    return problems


@pytest.mark.parametrize("fuzz", [False, True], ids=["no-fuzz", "fuzz-and-load-balance"])
def test_days_studied_in_anki_come_back_with_annkis_due_dates_and_memory(project, course, tmp_path, in_zone, fuzz):
    """With fuzz and load balancing on (as learners have them), a review card's due day is the one
    Anki logged (`ivl`), not one recomputed without fuzz."""
    collection = tmp_path / "anki" / "collection.anki2"
    collection.parent.mkdir()
    anki(collection, ANKI_SESSIONS[0][0], "setup", str(ANKI_ROLLOVER), str(project / "decks" / "testcourse.apkg"),
         fuzz=fuzz)
    for at, session in ANKI_SESSIONS:
        anki(collection, at, "study", str(session), fuzz=fuzz)
    cards = anki_report(collection, REPORT_AT, ANKI_ROLLOVER)
    assert len(cards) >= 6 and sum(c["queue"] == 2 for c in cards.values()) >= 3
    if fuzz:  # some interval long enough to be fuzzed (Anki fuzzes from 2.5 days)
        assert max(c["ivl"] for c in cards.values()) >= 3

    store_path = tmp_path / "store.sqlite3"
    summary = import_anki(collection, project / "lessons", store=store_path)
    assert summary.added == sum(c["reps"] for c in cards.values())
    with open_store(store_path) as store:
        days = StudyDays(in_zone, ANKI_ROLLOVER)  # read from the collection by import-anki
        assert disagreements(store, course, cards, days, lambda card: card["s"]) == []


OUR_SESSIONS = ["2026-11-02 10:00:00.689", "2026-11-03 10:00:00.400", "2026-11-05 03:30:00",
                "2026-11-05 20:00:00", "2026-11-07 09:15:00"]
RATINGS = (3, 3, 1, 3, 2, 4, 3, 3, 1, 3, 3, 2)


def study_in_leaderdeck(store, course) -> None:
    """Each session: every due card (and on the first, every card), learning cards up to three
    times, with ratings fixed by card and session, a few milliseconds apart."""
    catalog = catalog_of(course)
    keys = catalog.keys
    for session, text in enumerate(OUR_SESSIONS):
        at = datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(ZONE))
        for turn in range(3):
            if turn == 0:
                todo = keys if session == 0 else [k for k, _ in store.due(to_ms(at), 1000)]
            else:
                todo = [k for k in keys if store.card(k) and store.card(k).memory.state != 2]
            for key in sorted(todo):
                at += timedelta(milliseconds=137)
                rating = RATINGS[zlib.crc32(f"{key}/{session}/{turn}".encode()) % len(RATINGS)]
                store.record(answer(key, rating, at, catalog.by_key[key].kind))


def test_days_studied_in_leaderdeck_arrive_in_anki_with_the_same_due_dates_and_memory(project, course, tmp_path):
    zone = ZoneInfo(ZONE)
    days = StudyDays(zone, 4)  # a fresh Anki profile's rollover
    with open_store(tmp_path / "store.sqlite3", days=days) as store:
        study_in_leaderdeck(store, course)
        exported_at = "2026-11-08 11:00:00"
        now = datetime.fromisoformat(exported_at).replace(tzinfo=zone)
        package = tmp_path / "mine.apkg"
        offset = int(now.utcoffset().total_seconds())
        export_with_progress(course, store, package, int(now.astimezone(UTC).timestamp()), offset)

        collection = tmp_path / "anki" / "collection.anki2"
        collection.parent.mkdir()
        anki(collection, exported_at, "setup", "4")
        anki(collection, exported_at, "import", str(package))
        cards = anki_report(collection, exported_at, 4)
        assert len(cards) == len(store.cards()) >= 6
        assert sum(c["queue"] == 2 for c in cards.values()) >= 3
        assert disagreements(store, course, cards, days, lambda card: card["s"]) == []
        # and Anki's own replay of the exported review log gives the same memory
        assert disagreements(store, course, cards, days, lambda card: card["replayed_s"]) == []
