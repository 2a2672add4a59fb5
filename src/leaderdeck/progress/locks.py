"""Who is writing to a locked store: so the message can name the program to close, not just 'locked'.

SQLite locks with POSIX advisory locks. The writer of a WAL store holds an exclusive lock on byte
120 of `-shm` (121 and 122 while checkpointing or recovering); in rollback mode the writer holds
the reserved or pending byte at 1 GiB in the database file. Only that holder is named: readers
that merely have the store open are not in the way.

This must never open the store's files: POSIX locks belong to the whole process, and closing
any descriptor of a file drops every lock the process holds on it, SQLite's included. Another
process may then think it is the store's last user and delete `-wal`/`-shm` under our feet. So
the kernel's table, `/proc/locks`, is read instead (with `stat`, which opens nothing). Where it
cannot be read (not Linux), the message says "another program".
"""

from __future__ import annotations

import os
from pathlib import Path

WAL_WRITER_BYTES = range(120, 123)  # write, checkpoint and recover locks in -shm
DB_WRITER_BYTES = range(0x40000000, 0x40000002)  # pending and reserved bytes in the database file
PROC_LOCKS = Path("/proc/locks")


def writer_pids(database: Path, proc_locks: Path = PROC_LOCKS) -> list[int]:
    """Pids of other processes holding SQLite's write lock on the store, per the kernel."""
    targets = {_file_id(Path(f"{database}-shm")): WAL_WRITER_BYTES, _file_id(database): DB_WRITER_BYTES}
    targets.pop(None, None)
    try:
        table = proc_locks.read_text()
    except OSError:
        return []
    pids = set()
    for line in table.splitlines():
        lock = _parse(line)
        if lock is None:
            continue
        pid, file_id, start, end = lock
        wanted = targets.get(file_id)
        if wanted and pid > 0 and pid != os.getpid() and any(start <= byte <= end for byte in wanted):
            pids.add(pid)
    return sorted(pids)


def describe_holders(database: Path) -> str:
    """'pid 123 (python -m ipykernel_launcher …)' for each writer, or 'another program'."""
    described = [f"pid {pid} ({_command_line(pid)})" for pid in writer_pids(database)]
    return ", ".join(described) if described else "another program"


def _file_id(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return os.major(st.st_dev), os.minor(st.st_dev), st.st_ino


def _parse(line: str) -> tuple[int, tuple[int, int, int], int, float] | None:
    """A granted POSIX write lock from a `/proc/locks` line, e.g.
    `1: POSIX  ADVISORY  WRITE 7360 fe:00:2146450 120 120` (blocked waiters have `->`)."""
    fields = line.split()
    if len(fields) < 8 or "->" in fields or fields[1] not in ("POSIX", "OFDLCK") or fields[3] != "WRITE":
        return None
    try:
        major, minor, inode = fields[5].split(":")
        file_id = (int(major, 16), int(minor, 16), int(inode))
        end = float("inf") if fields[7] == "EOF" else int(fields[7])
        return int(fields[4]), file_id, int(fields[6]), end
    except ValueError:
        return None


def _command_line(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "unknown program"
    text = " ".join(raw.decode(errors="replace").replace("\0", " ").split())
    return text if len(text) <= 80 else text[:77] + "..."
