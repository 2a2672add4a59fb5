"""Which file the store opens, and how: ours only, healthy only, and unchanged when refused.

Every decision to refuse a file is made on a connection that cannot change it (`mode=ro`, which
sees a hot `-wal` but never merges it), before any read-write connection exists: closing a
read-write connection would checkpoint the WAL into the very file being refused. The store's own
files are never opened by Python itself (POSIX locks belong to the whole process: closing our
own descriptor would drop SQLite's locks). A new store is built under a temporary name and
linked into place whole, so no other process ever sees it half made (or as an empty file).
"""

from __future__ import annotations

import os
import shlex
import sqlite3
import stat
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import LeaderdeckError
from ..events import AnswerRefused
from . import migrations
from .locks import describe_holders
from .migrations import APPLICATION_ID, migrate, reference_schema, schema_of, unmarked_version


class StoreError(LeaderdeckError):
    """The progress store cannot be used as it is; the message says what to do."""


class ReadOnlyCopyError(StoreError, AnswerRefused):
    """An answer given where the store is a read-only copy (the site's second tab): refused for as
    long as the page is open, so saving it again cannot help and it is not kept."""


class StoreLockedError(StoreError):
    """Another program held the store for longer than the busy timeout."""


class StoreDamagedError(StoreError):
    """The file is not a healthy progress store; it was left untouched."""


class DamagedValue(Exception):
    """A value read from the store lies outside what its schema allows (a flipped byte)."""


def connect(path: Path, busy_timeout: float) -> tuple[sqlite3.Connection, bool]:
    """A connection to the store at `path` (created if absent) and whether it is read-only.
    Raises `StoreError` for anything that is not a healthy leaderdeck store of a known schema."""
    _make_folder(path)
    if not os.path.lexists(path):
        if _size(Path(f"{path}-wal")):  # SQLite would make it the new store's, and then delete it
            raise StoreError(
                f"the progress store {path} is not there but its write-ahead log {path.name}-wal is still there: "
                "it belongs to the store that was moved or deleted, and may hold its latest reviews. Move it "
                f"beside that file with the same name plus -wal (for example {path.name}.damaged-wal), or delete "
                "it to start afresh; a new store is created on the next answer.")
        with translated_errors(path, busy_timeout):
            _create(path)
    size = _regular_size(path)
    if size == 0:
        raise StoreDamagedError(
            f"the progress store {path} is empty (0 bytes), perhaps cut short by a crash, a full disk or a "
            "sync tool. It was left untouched. If you have a backup, put it back; if you have no reviews "
            f"to keep, delete it: rm {shlex.quote(str(path))} (a new store is created on the next answer).")
    writable = os.access(path, os.W_OK) and path.absolute() not in READ_ONLY_REASONS
    if not writable and _size(Path(f"{path}-wal")):
        raise StoreError(f"the progress store {path} is read-only and its -wal file holds reviews not "
                         "yet merged into it; make it writable again (chmod u+w) so they can be.")
    with translated_errors(path, busy_timeout):
        probe = _uri_connect(path, "mode=ro" if writable else "immutable=1", busy_timeout)
        try:
            version = _check(probe, path)
        except BaseException:
            probe.close()
            raise
        if not writable:  # immutable: it creates no -wal or -shm, which would outlive the permission
            if version < migrations.MIGRATIONS[-1].version:
                probe.close()
                raise StoreError(f"the progress store {path} is read-only and needs upgrading to this "
                                 "leaderdeck's schema; make it writable (chmod u+w) and try again.")
            return probe, True
        probe.close()
        return sqlite3.connect(path, timeout=busy_timeout, isolation_level=None, check_same_thread=False), False


def _regular_size(path: Path) -> int:
    """The store file's size; refuses a folder, pipe or device (never told to delete it)."""
    try:
        found = os.stat(path)
    except OSError as error:
        raise StoreError(f"cannot open the progress store {path}: {error.strerror or error}") from error
    if stat.S_ISDIR(found.st_mode):
        raise StoreError(f"the progress store {path} is a folder: give the store file in it "
                         f"({path / 'progress.sqlite3'}), or set LEADERDECK_HOME to that folder")
    if not stat.S_ISREG(found.st_mode):
        raise StoreError(f"the progress store {path} is not a regular file (a pipe or device): give a "
                         "store file, or set LEADERDECK_HOME to a folder for one")
    return found.st_size


def _check(connection: sqlite3.Connection, path: Path) -> int:
    """The schema version of a store we may use, read without writing; otherwise refuse."""
    application_id, version = (int(connection.execute(f"PRAGMA {name}").fetchone()[0])
                               for name in ("application_id", "user_version"))
    if application_id != APPLICATION_ID:
        empty = not connection.execute("SELECT 1 FROM sqlite_master").fetchone()
        unmarked = 0 if empty and application_id == 0 else (
            unmarked_version(connection, migrations.MIGRATIONS) if application_id == 0 else None)
        if unmarked is None:
            raise StoreDamagedError(damaged_message(
                path, "it is an SQLite database but not a leaderdeck progress store "
                      f"(application_id {application_id:#x}, ours is {APPLICATION_ID:#x})"))
        version = unmarked
    refuse_newer(path, version)
    if version and schema_of(connection) != reference_schema(version, migrations.MIGRATIONS):
        raise StoreDamagedError(damaged_message(
            path, f"its tables are not the ones schema {version} of the progress store has"))
    return version


def refuse_newer(path: Path, version: int) -> None:
    latest = migrations.MIGRATIONS[-1].version  # looked up now, so tests can add a migration
    if version > latest:
        raise StoreError(f"the progress store {path} was written by a newer leaderdeck (schema {version}, "
                         f"this one knows up to {latest}); upgrade leaderdeck to use it. It was left untouched.")


FULL_CHECK_BYTES = 16 << 20  # ~65k reviews; at 1M (239 MiB) integrity_check took 3.0-4.2 s, quick_check 0.7 s


def verify(connection: sqlite3.Connection, path: Path) -> None:
    """Refuse to write into a damaged file. Up to FULL_CHECK_BYTES (years of daily reviews) SQLite's
    full `integrity_check`, which also compares every index with its table; above it the
    structural `quick_check`, a quarter of the cost, so the first answer does not wait seconds."""
    pages, page_size = (connection.execute(f"PRAGMA {name}").fetchone()[0] for name in ("page_count", "page_size"))
    check = "integrity_check" if pages * page_size <= FULL_CHECK_BYTES else "quick_check"
    problems = [row[0] for row in connection.execute(f"PRAGMA {check}(5)")]
    if problems != ["ok"]:
        raise StoreDamagedError(damaged_message(path, f"SQLite's {check} found damage ({problems[0]})"))


def _create(path: Path) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}.new")
    try:
        connection = sqlite3.connect(temporary, isolation_level=None)
        try:
            migrate(connection, time.time_ns() // 1_000_000, migrations.MIGRATIONS)
            connection.execute("PRAGMA journal_mode=WAL")
        finally:
            connection.close()  # the last connection: the WAL is merged and removed
        try:
            os.link(temporary, path)  # never replaces: another process may have made it first
        except FileExistsError:
            pass
        except (OSError, AttributeError):  # a file system without hard links (Pyodide has no os.link)
            if not os.path.lexists(path):
                os.rename(temporary, path)
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{temporary}{suffix}").unlink(missing_ok=True)


def _uri_connect(path: Path, options: str, busy_timeout: float) -> sqlite3.Connection:
    uri = f"file:{urllib.parse.quote(str(path.absolute()))}?{options}"
    return sqlite3.connect(uri, uri=True, timeout=busy_timeout, isolation_level=None, check_same_thread=False)


def _make_folder(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(f"cannot create the folder for the progress store {path}: {error.strerror}. "
                         "Set LEADERDECK_HOME to a folder you can write to.") from error


def _size(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def damaged_message(path: Path, why: str) -> str:
    """What to do with a file refused as damaged. The advice never writes over it: it is moved
    aside first, with its -wal (which may hold the latest reviews, and which SQLite would merge into
    or delete beside a new store), and recovered from there; `.recover` is missing from some
    builds of the sqlite3 command, and then makes an empty file, not a store."""
    aside = path.with_name(f"{path.name}.damaged")
    move = f"mv {shlex.quote(str(path))} {shlex.quote(str(aside))}"
    if _size(Path(f"{path}-wal")):
        move += f"; mv {shlex.quote(f'{path}-wal')} {shlex.quote(f'{aside}-wal')}"
    return (f"the progress store {path} is damaged or not ours: {why}. It was left untouched.\n"
            f"  To try to recover its reviews, rename it (and its -wal) and rebuild the store from the copy:\n"
            f"    {move}\n"
            f"    sqlite3 {shlex.quote(str(aside))} .recover | sqlite3 {shlex.quote(str(path))}\n"
            f"  If sqlite3 reports an error, delete the file it made ({path.name}); {aside.name} is kept.\n"
            "  To start afresh instead: the first line alone; a new store is created on the next answer.\n"
            "  Or point LEADERDECK_HOME at another folder.")


# Stores opened read-only (immutable) whatever the file's permission, and why, for the message:
# the browser edition's second tab reads a snapshot (`leaderdeck.site.exchange.read_only_copy`).
READ_ONLY_REASONS: dict[Path, str] = {}


def read_only_error(path: Path, merged: int = 0) -> StoreError:
    """The error for a write the store at `path` cannot take: for good where it is a read-only copy."""
    reason = READ_ONLY_REASONS.get(path.absolute())
    return ReadOnlyCopyError(reason) if reason else StoreError(read_only_message(path, merged))


def read_only_message(path: Path, merged: int = 0) -> str:
    reason = READ_ONLY_REASONS.get(path.absolute())
    if reason:
        return reason
    folder = path.absolute().parent
    if os.access(path, os.W_OK) and not os.access(folder, os.W_OK):  # chmod on the file would not help
        return (f"the folder {folder} of the progress store is read-only, and SQLite must create the store's "
                f"-wal and -shm files beside it, even to read it ({_written(merged)}). Make the folder "
                f"writable (chmod u+w {shlex.quote(str(folder))}) or point LEADERDECK_HOME at another folder.")
    return (f"the progress store {path} is read-only, so answers cannot be recorded ({_written(merged)}). "
            "Make it writable (chmod u+w) or point LEADERDECK_HOME at another folder.")


def _written(merged: int) -> str:
    """What an import stopped by this error left in the store: its earlier batches are committed."""
    if not merged:
        return "nothing was recorded"
    return (f"{merged} review{'s were' if merged != 1 else ' was'} merged before this; "
            "run the import again to merge the rest")


@contextmanager
def translated_errors(path: Path, busy_timeout: float, merged: int = 0) -> Iterator[None]:
    """Turn SQLite's errors into messages that name the file and say what to do; `merged` is how
    many reviews the import under way has committed so far (`ProgressStore.merging`)."""
    try:
        yield
    except sqlite3.OperationalError as error:
        text = str(error)
        if "locked" in text or "busy" in text:
            raise StoreLockedError(
                f"the progress store {path} is locked by {describe_holders(path)}; waited "
                f"{busy_timeout:g} s. Finish or close that notebook or program, then try again "
                f"({_written(merged)}).") from error
        if "decode to UTF-8" in text:  # damaged text, not a full disk
            raise StoreDamagedError(damaged_message(path, "a text value in it is not valid UTF-8")) from error
        if "readonly" in text:
            raise read_only_error(path, merged) from error
        raise StoreError(f"the progress store {path} cannot be used: {text}. Check that the disk is not "
                         f"full and the folder is writable{f' ({_written(merged)})' if merged else ''}.") from error
    except DamagedValue as error:
        raise StoreDamagedError(damaged_message(path, str(error))) from error
    except UnicodeDecodeError as error:  # sqlite3 raises it for some text, OperationalError for other
        raise StoreDamagedError(damaged_message(path, "a text value in it is not valid UTF-8")) from error
    except sqlite3.DatabaseError as error:
        if type(error) is not sqlite3.DatabaseError:  # integrity and programming errors are bugs
            raise
        why = "it is not an SQLite database" if "not a database" in str(error) else f"SQLite says '{error}'"
        raise StoreDamagedError(damaged_message(path, why)) from error
