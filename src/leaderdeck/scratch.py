"""Temporary files and folders that a killed process does not leave behind for long.

Each is claimed with `flock` for as long as it is in use. The kernel drops the lock when the
process dies, however it dies (SIGKILL, SIGTERM, a closed terminal), so one of ours whose lock is
free was left by a process that never got to remove it, and the next one made in the same place
removes it. Each is locked under another name and renamed once locked, so no other process ever
sees it unlocked under the name it looks for. Where there is no `flock` (Windows, the browser),
nothing is claimed and nothing is removed.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from functools import partial
from pathlib import Path

try:
    from fcntl import LOCK_EX, LOCK_NB, flock
except ImportError:  # Windows, or a build without it
    flock = None  # type: ignore[assignment]

_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
IN_USE = ".in-use"  # a claimed folder's lock file


@contextmanager
def temporary_folder(prefix: str, refused: Callable[[OSError], Exception]) -> Iterator[Path]:
    """A new folder in the temporary folder, removed on exit. First removes this user's folders
    of the same `prefix` left behind; `refused` turns a failure to make one into our error."""
    _remove_abandoned_folders(Path(tempfile.gettempdir()), prefix)
    try:
        folder = tempfile.TemporaryDirectory(prefix=prefix)
    except OSError as error:
        raise refused(error) from None
    lock = None
    try:
        with folder:
            made = Path(folder.name, ".claiming")
            lock = os.open(made, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _CLOEXEC, 0o600)
            if not claim(lock, made, made.with_name(IN_USE)):
                os.close(lock)
                lock = None  # unclaimed, so never taken for one left behind
            yield Path(folder.name)
    finally:
        if lock is not None:
            os.close(lock)  # after the folder is gone: no other process removes it under us


@contextmanager
def temporary_file(beside: Path, suffix: str = ".tmp") -> Iterator[tuple[int, Path]]:
    """A new file (an open descriptor, and its path) in `beside`'s folder, named after it, to be
    renamed over it; removed on exit if still there. First removes such files left behind."""
    prefix = f".{beside.name}."
    remove_abandoned_files(beside.parent, prefix, suffix)
    fd, made = tempfile.mkstemp(prefix=prefix, suffix=".claiming", dir=beside.parent)
    path = Path(made[:-len(".claiming")] + suffix)
    if not claim(fd, Path(made), path):
        path = Path(made)  # unclaimed, so never taken for one left behind
    try:
        yield fd, path
    finally:
        with suppress(FileNotFoundError):
            path.unlink()
        os.close(fd)  # after the file is gone or renamed


def claim(fd: int, made: Path, claimed: Path) -> bool:
    """Lock the open file `made` and rename it `claimed`; False where it cannot be locked."""
    if flock is None:
        return False
    try:
        flock(fd, LOCK_EX | LOCK_NB)
        os.rename(made, claimed)
    except OSError:
        return False
    return True


def remove_abandoned_files(folder: Path, prefix: str, suffix: str) -> None:
    """Remove the files `temporary_file` made in `folder` that their process left behind."""
    made = re.compile(re.escape(prefix) + "[a-z0-9_]{8}" + re.escape(suffix))  # as `mkstemp` names them
    for entry in _ours(folder, prefix):
        if made.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
            _remove_if_abandoned(Path(entry.path), partial(os.unlink, entry.path))


def _remove_abandoned_folders(folder: Path, prefix: str) -> None:
    for entry in _ours(folder, prefix):
        if entry.is_dir(follow_symlinks=False):
            _remove_if_abandoned(Path(entry.path, IN_USE), partial(shutil.rmtree, entry.path, ignore_errors=True))


def _ours(folder: Path, prefix: str) -> list[os.DirEntry[str]]:
    """This user's entries of `folder` named with `prefix` (none where nothing is ever claimed)."""
    if flock is None:
        return []
    with suppress(OSError), os.scandir(folder) as entries:
        return [entry for entry in entries if entry.name.startswith(prefix)
                and entry.stat(follow_symlinks=False).st_uid == os.getuid()]
    return []


def _remove_if_abandoned(lock: Path, remove: Callable[[], object]) -> None:
    try:
        fd = os.open(lock, os.O_RDONLY | os.O_NOFOLLOW | _CLOEXEC)
    except OSError:
        return  # being made, or gone
    try:
        flock(fd, LOCK_EX | LOCK_NB)
        with suppress(OSError):
            remove()
    except OSError:
        pass  # in use
    finally:
        os.close(fd)
