"""A corpus of damaged and foreign files: each is refused with a message that names the file and
says what to do, and is left byte-identical (the store and its -wal); or, when the damage is
harmless to SQLite, recording works and the file passes `integrity_check` afterwards."""

from __future__ import annotations

import random
import shlex
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.progress.conftest import T0, answer, days, key

from leaderdeck.progress.store import StoreError, open_store

from .conftest import checksums, scaled

pytestmark = pytest.mark.faults

PAGE = 4096


@pytest.fixture(scope="module")
def healthy(tmp_path_factory) -> Path:
    """A checkpointed store with a few hundred reviews over many pages."""
    path = tmp_path_factory.mktemp("healthy") / "progress.sqlite3"
    with open_store(path) as store:
        for n in range(400):
            store.record(answer(key(f"item{n % 90}"), n % 3 > 0, T0 + days(n / 10)))
        store._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def truncated(at: int) -> Callable[[bytes], bytes]:
    return lambda data: data[:at]


def flipped(seed: int, count: int) -> Callable[[bytes], bytes]:
    def flip(data: bytes) -> bytes:
        rng, damaged = random.Random(seed), bytearray(data)
        for _ in range(count):
            damaged[rng.randrange(100, len(damaged))] ^= 1 << rng.randrange(8)  # past the header
        return bytes(damaged)
    return flip


def corpus(size: int) -> dict[str, Callable[[bytes], bytes]]:
    rng = random.Random(12)
    cases: dict[str, Callable[[bytes], bytes]] = {}
    for _ in range(scaled(8, 60)):
        at = rng.choice([rng.randrange(PAGE, size), PAGE * rng.randrange(1, size // PAGE)])
        cases[f"truncated at {at}"] = truncated(at)
    for n in range(scaled(16, 200)):
        count = rng.choice([1, 8, 200])
        cases[f"{count} bytes flipped (seed {n})"] = flipped(n, count)
    return cases


def attempt(path: Path) -> str | None:
    """Open, read and record, as a learner would: the refusal's message, or None if it all worked."""
    try:
        with open_store(path) as store:
            store.history()
            store.record(answer(key("new-card"), True, T0 + days(100)))
    except StoreError as error:
        return str(error)
    return None


def test_damaged_stores_are_refused_untouched_or_stay_healthy(healthy, tmp_path):
    data = healthy.read_bytes()
    refused = 0
    for name, damage in corpus(len(data)).items():
        folder = tmp_path / name.replace(" ", "-")
        folder.mkdir()
        path = folder / "progress.sqlite3"
        path.write_bytes(damage(data))
        before = checksums(path)
        message = attempt(path)
        if message is not None:
            refused += 1
            assert str(path) in message and ".recover" in message and "rename it" in message, (name, message)
            assert checksums(path) == before, name
        else:
            check = sqlite3.connect(path)
            assert check.execute("PRAGMA integrity_check").fetchall() == [("ok",)], name
            check.close()
        shutil.rmtree(folder)
    assert refused >= scaled(8, 60)  # every truncation at least


def _sqlite_file(path: Path, *statements: str) -> None:
    db = sqlite3.connect(path, isolation_level=None)
    for statement in statements:
        db.execute(statement)
    db.close()


def _future_with_hot_wal(path: Path) -> None:
    source = path.with_name("source.sqlite3")
    open_store(source).close()
    writer = sqlite3.connect(source, isolation_level=None)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("PRAGMA user_version = 99")
    writer.execute("CREATE TABLE from_the_future (x)")
    for suffix in ("", "-wal"):
        shutil.copy(f"{source}{suffix}", f"{path}{suffix}")
    writer.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{source}{suffix}").unlink(missing_ok=True)


FILES: dict[str, tuple[Callable[[Path], None], str]] = {
    "zero bytes": (lambda p: p.write_bytes(b""), "is empty (0 bytes)"),
    "a text file": (lambda p: p.write_text("my shopping list\n"), "not an SQLite database"),
    "rails": (lambda p: _sqlite_file(p, "CREATE TABLE schema_migrations (version varchar PRIMARY KEY)",
                                     "INSERT INTO schema_migrations VALUES ('20240101120000')"),
              "not a leaderdeck progress store"),
    "golang-migrate": (lambda p: _sqlite_file(p, "CREATE TABLE schema_migrations (version uint64, dirty bool)",
                                              "INSERT INTO schema_migrations VALUES (3, 0)"),
                       "not a leaderdeck progress store"),
    "another application_id": (lambda p: _sqlite_file(p, "PRAGMA application_id = 7", "CREATE TABLE t (x)"),
                               "not a leaderdeck progress store"),
    "a newer schema with a hot WAL": (_future_with_hot_wal, "newer leaderdeck"),
}


@pytest.mark.parametrize("kind", FILES)
def test_files_that_are_not_our_stores_are_refused_untouched(tmp_path, kind):
    make, expected = FILES[kind]
    folder = tmp_path / "it's here"
    folder.mkdir()
    path = folder / "progress.sqlite3"
    make(path)
    before = checksums(path)
    message = attempt(path)
    assert message is not None and expected in message and str(path) in message, message
    assert "disk is not full" not in message
    if ".recover" in message:
        assert shlex.quote(str(path)) in message
    assert checksums(path) == before
