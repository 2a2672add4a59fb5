"""Helpers for deck tests: a private copy of the fixture course, builds, and a real Anki collection."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from leaderdeck.course import load_course
from leaderdeck.decks import build_decks

FIXTURES = Path(__file__).parent / "fixtures"
T0 = 1_750_000_000  # "now" for a first build; later builds pass later times


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder holding a copy of the fixture lessons; builds write its `decks/`."""
    shutil.copytree(FIXTURES / "lessons", tmp_path / "lessons")
    return tmp_path


def build_project(project: Path, now: int, **options) -> list[str]:
    """The deck step alone (the notebooks step has its own tests)."""
    return build_decks(load_course(project / "lessons"), project, now, **options).report()


def package_of(project: Path) -> Path:
    return project / "decks" / "testcourse.apkg"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def anki_collection(tmp_path: Path):
    pytest.importorskip("anki")
    import anki.lang
    from anki.collection import Collection

    anki.lang.set_lang("en")
    folder = tmp_path / "anki"
    folder.mkdir()
    collection = Collection(str(folder / "collection.anki2"))
    yield collection
    collection.close()


def import_package(collection, package: Path, *, with_scheduling: bool = False):
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    request = ImportAnkiPackageRequest(package_path=str(package),
                                       options=ImportAnkiPackageOptions(with_scheduling=with_scheduling))
    return collection.import_anki_package(request)
