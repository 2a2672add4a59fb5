"""The store failing partway through an import (disk full, locked longer than the busy timeout)
ends in the store's one message, exit 1: never a second, wrong message about the file being read,
nor a traceback from the half-read file when it is closed."""

from __future__ import annotations

import gc
import sys
from datetime import UTC, datetime, timedelta

import pytest

from leaderdeck.cli import main
from leaderdeck.exchange import merge, progress_file
from leaderdeck.exchange.export import export_with_progress
from leaderdeck.progress.store import ProgressStore, StoreError, open_store

from .conftest import answer

CARDS = ["testcourse/first-lesson/plain-card#0", "testcourse/second-lesson/last-card#0"]
T0 = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def files(project, course, tmp_path):
    """A package and a progress file holding a few reviews, and an empty store to merge them into."""
    source = tmp_path / "source.sqlite3"
    with open_store(source) as studied:
        for n, key in enumerate(CARDS * 2):
            studied.record(answer(key, 3, T0 + timedelta(days=n)))
        export_with_progress(course, studied, tmp_path / "mine.apkg", 1_800_000_000, 0)
    open_store(tmp_path / "target.sqlite3").close()
    return {"import-anki": tmp_path / "mine.apkg", "import-progress": source}


def _disk_full(*_: object, **__: object) -> tuple[int, int]:
    raise StoreError("the progress store cannot be used: database or disk is full")


@pytest.mark.parametrize("command", ["import-anki", "import-progress"])
def test_a_store_failing_mid_import_is_one_message(command, files, project, tmp_path, monkeypatch, capsys):
    unraised: list[object] = []
    monkeypatch.setattr(sys, "unraisablehook", unraised.append)
    monkeypatch.setattr(ProgressStore, "import_reviews", _disk_full)
    monkeypatch.setattr(merge, "BATCH", 1)  # the file is still being read when the store fails
    monkeypatch.setattr(progress_file, "CARDS_PER_BATCH", 1)
    lessons = ["--lessons", str(project / "lessons")] if command == "import-anki" else []
    code = main([command, str(files[command]), *lessons, "--store", str(tmp_path / "target.sqlite3")])
    gc.collect()
    err = capsys.readouterr().err
    assert code == 1
    assert err == "error: the progress store cannot be used: database or disk is full\n"
    assert unraised == []
