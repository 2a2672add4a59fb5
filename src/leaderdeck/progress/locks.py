"""Who holds a locked store: so the message can name the program to close, not just 'locked'.

SQLite locks with POSIX advisory locks, which the kernel can report (F_GETLK returns the pid of
a conflicting holder). In WAL mode the writer holds byte 120 of the `-shm` file; in rollback
mode the lock bytes sit at 1 GiB in the database file. Anything we cannot find falls back to
the processes that have the file open. Linux-first; elsewhere the message names no process.
"""

from __future__ import annotations

import fcntl
import os
import struct
from pathlib import Path

WAL_LOCK_BYTES = (120, 8)  # write, checkpoint, recover and the five read-mark locks
DB_LOCK_BYTES = (0x40000000, 512)  # pending, reserved and the shared range
_FLOCK = "hhqqi4x"  # struct flock on Linux: type, whence, start, len, pid


def lock_holders(database: Path) -> list[int]:
    """Pids of other processes holding a lock on the store, or with it open if none is found."""
    pids = _locking_pids(Path(f"{database}-shm"), *WAL_LOCK_BYTES)
    pids += _locking_pids(database, *DB_LOCK_BYTES)
    return sorted(set(pids)) or _opening_pids(database)


def describe_holders(database: Path) -> str:
    """'pid 123 (python -m ipykernel_launcher …)' for each holder, or 'another program'."""
    described = [f"pid {pid} ({_command_line(pid)})" for pid in lock_holders(database)]
    return ", ".join(described) if described else "another program"


def _locking_pids(path: Path, start: int, length: int) -> list[int]:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return []
    try:
        pids = []
        for offset in range(start, start + min(length, 8)):  # a few probes cover every lock kind
            query = struct.pack(_FLOCK, fcntl.F_WRLCK, os.SEEK_SET, offset, 1, 0)
            kind, _, _, _, pid = struct.unpack(_FLOCK, fcntl.fcntl(fd, fcntl.F_GETLK, query))
            if kind != fcntl.F_UNLCK and pid > 0:
                pids.append(pid)
        return pids
    except OSError:
        return []
    finally:
        os.close(fd)


def _opening_pids(database: Path) -> list[int]:
    target = str(database.resolve())
    found = []
    for fd_dir in Path("/proc").glob("[0-9]*/fd"):
        pid = int(fd_dir.parent.name)
        if pid == os.getpid():
            continue
        try:
            if any(os.readlink(link) == target for link in fd_dir.iterdir()):
                found.append(pid)
        except OSError:
            continue
    return found


def _command_line(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "unknown program"
    text = " ".join(raw.decode(errors="replace").replace("\0", " ").split())
    return text if len(text) <= 80 else text[:77] + "..."
