from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from leaderdeck.events import Answer, Rating, graded
from leaderdeck.identity import CardKey
from leaderdeck.progress import api
from leaderdeck.progress.catalog import Catalog, CatalogCard
from leaderdeck.progress.store import ProgressStore, open_store

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)  # a Monday


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own LEADERDECK_HOME and no store left open by another test."""
    folder = tmp_path / "home"
    monkeypatch.setenv("LEADERDECK_HOME", str(folder))
    yield folder
    for store in api._shared.values():
        store.close()
    api._shared.clear()


@pytest.fixture
def store(tmp_path: Path) -> ProgressStore:
    with open_store(tmp_path / "progress.sqlite3") as opened:
        yield opened


def key(item: str, ordinal: int = 0, lesson: str = "doors") -> str:
    return f"course/{lesson}/{item}#{ordinal}"


def answer(card: str, correct: bool = True, at: datetime = T0, kind: str = "choice",
           rating: Rating | None = None) -> Answer:
    return Answer(CardKey.parse(card), kind, correct, rating or graded(correct), 1500, at)


def small_catalog() -> Catalog:
    """Two lessons: doors (a flashcard with reverse, a cloze with two deletions, a choice) and trust."""
    cards = (CatalogCard(key("define", 0), "doors", "one-way", "flashcard"),
             CatalogCard(key("define", 1), "doors", "one-way", "flashcard"),
             CatalogCard(key("fill", 0), "doors", "two-way", "cloze"),
             CatalogCard(key("fill", 1), "doors", "two-way", "cloze"),
             CatalogCard(key("pick", 0), "doors", "two-way", "choice"),
             CatalogCard(key("steps", 0, "trust"), "trust", "five-cs", "order"),
             CatalogCard(key("think", 0, "trust"), "trust", "five-cs", "reflection"))
    return Catalog(cards, {"doors": "Doors", "trust": "Trust"},
                   {("doors", "one-way"): "One-way doors", ("doors", "two-way"): "Two-way doors",
                    ("trust", "five-cs"): "Five C's"})


def days(n: float) -> timedelta:
    return timedelta(days=n)
