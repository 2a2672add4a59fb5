"""Helpers for exchange tests: the deck fixture course, a store, and real Anki collections."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from leaderdeck.course import load_course
from leaderdeck.decks import build_decks
from leaderdeck.events import Answer, Rating
from leaderdeck.identity import CardKey
from leaderdeck.progress.store import ProgressStore, open_store

LESSONS = Path(__file__).parents[1] / "decks" / "fixtures" / "lessons"
BUILT = 1_750_000_000  # when the fixture deck was "published"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with the fixture lessons and its published deck (decks/ with the lock file)."""
    monkeypatch.setenv("LEADERDECK_HOME", str(tmp_path / "home"))
    shutil.copytree(LESSONS, tmp_path / "lessons")
    build_decks(load_course(tmp_path / "lessons"), tmp_path, BUILT)
    return tmp_path


@pytest.fixture
def course(project: Path):
    return load_course(project / "lessons")


@pytest.fixture
def store(project: Path) -> ProgressStore:
    with open_store(project / "home" / "progress.sqlite3") as opened:
        yield opened


def answer(key: str, rating: int, at: datetime, kind: str = "flashcard") -> Answer:
    return Answer(CardKey.parse(key), kind, rating > 1, Rating(rating), 4200, at.astimezone(UTC))


@pytest.fixture
def new_collection(tmp_path: Path):
    """A factory of fresh, empty Anki collections (closed at the end of the test)."""
    pytest.importorskip("anki")
    import anki.lang
    from anki.collection import Collection

    anki.lang.set_lang("en")
    opened = []

    def make(name: str = "anki"):
        folder = tmp_path / name
        folder.mkdir()
        opened.append(Collection(str(folder / "collection.anki2")))
        return opened[-1]

    yield make
    for collection in opened:
        collection.close()


def import_package(collection, package: Path, *, with_scheduling: bool) -> None:
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    collection.import_anki_package(ImportAnkiPackageRequest(
        package_path=str(package), options=ImportAnkiPackageOptions(with_scheduling=with_scheduling)))


def anki_card(collection, guid: str, ordinal: int):
    card_id = collection.db.scalar("SELECT c.id FROM cards c JOIN notes n ON n.id = c.nid "
                                   "WHERE n.guid = ? AND c.ord = ?", guid, ordinal)
    return collection.get_card(card_id)


def answer_in_anki(collection, card, rating: int) -> None:
    """Answer as a learner would, with our rating numbers (1 Again … 4 Easy = Anki's ease)."""
    card.start_timer()
    states = collection._backend.get_scheduling_states(card.id)
    # Anki's CardAnswer.Rating counts from AGAIN = 0
    collection.sched.answer_card(collection.sched.build_answer(card=card, states=states, rating=rating - 1))
