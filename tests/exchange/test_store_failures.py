"""The store failing partway through an import (disk full, locked longer than the busy timeout)
ends in the store's one message, exit 1: never a second, wrong message about the file being read,
nor a traceback from the half-read file when it is closed."""

from __future__ import annotations

import gc
import sqlite3
import sys
from datetime import UTC, datetime, timedelta

import pytest

from leaderdeck.cli import main
from leaderdeck.exchange import merge, progress_file
from leaderdeck.exchange.export import export_with_progress
from leaderdeck.progress import replay
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


@pytest.mark.parametrize("command", ["import-anki", "import-progress"])
@pytest.mark.parametrize(("sqlite_says", "says"), [
    ("database is locked", "then try again ({merged})."),
    ("database or disk is full", "folder is writable ({merged})."),
], ids=["locked", "disk-full"])
def test_a_store_failing_after_a_batch_says_what_was_merged(command, sqlite_says, says, files, project, tmp_path,
                                                            monkeypatch, capsys):
    """The first card's batch is committed, the second fails: the message must not claim that
    nothing was recorded, and running the import again merges the rest."""
    merge_batch, calls = replay.import_reviews, []

    def failing_second(*args: object, **kwargs: object) -> int:
        calls.append(1)
        if len(calls) == 2:
            raise sqlite3.OperationalError(sqlite_says)  # as SQLite raises it inside the transaction
        return merge_batch(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(replay, "import_reviews", failing_second)
    monkeypatch.setattr(merge, "BATCH", 1)
    monkeypatch.setattr(progress_file, "CARDS_PER_BATCH", 1)
    target = tmp_path / "target.sqlite3"
    argv = [command, str(files[command]), "--store", str(target)]
    argv += ["--lessons", str(project / "lessons")] if command == "import-anki" else []
    assert main(argv) == 1
    err = capsys.readouterr().err
    merged = "2 reviews were merged before this; run the import again to merge the rest"
    assert err.endswith(says.format(merged=merged) + "\n") and "nothing was recorded" not in err
    with open_store(target) as store:
        assert store.review_count() == 2  # the first card's, kept
    assert main(argv) == 0
    assert "added 2 reviews, 2 already present" in capsys.readouterr().out


def test_a_store_failing_before_anything_was_merged_still_says_nothing_was_recorded(files, project, tmp_path,
                                                                                     monkeypatch, capsys):
    def locked(*_: object, **__: object) -> int:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(replay, "import_reviews", locked)
    assert main(["import-progress", str(files["import-progress"]), "--store", str(tmp_path / "target.sqlite3")]) == 1
    assert capsys.readouterr().err.endswith("then try again (nothing was recorded).\n")
