"""The browser edition's runtime, inside Pyodide: progress in IndexedDB, the course compiled.

`await start()` (the setup cell of every site notebook) mounts an IndexedDB-backed folder
(Emscripten's IDBFS) at `/leaderdeck`, fills it from IndexedDB, keeps the store there, and copies it
back to IndexedDB after every committed write. JupyterLite's own contents drive is not used for the
store: it corrupts SQLite files (jupyterlite/pyodide-kernel#35).

Each notebook runs its own kernel with its own copy of the folder, so only one kernel at a time may
write: the first takes a Web Lock (held until its kernel stops); any other shows a read-only
snapshot of the store as IndexedDB holds it when it starts (`exchange.read_only_copy`, outside the
IndexedDB folder) and says so, rather than overwrite the first one's answers with its older copy.
"""

from __future__ import annotations

import asyncio
import os
import sys
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .panel import ProgressPanel

MOUNT = "/leaderdeck"
LOCK_NAME = "leaderdeck-progress-writer"
READ_ONLY_NOTE = ("This course is open in another tab or notebook, which saves your answers. Here your "
                  "progress is shown read-only, as it was when this page opened, and new answers are not "
                  "saved: close the other one (or shut down its kernel), then reload this page.")
READ_ONLY_FOLDER = "/tmp/leaderdeck-read-only"  # the kernel's memory, never copied to IndexedDB
NOT_SAVED = ("this page is read-only because the course is open in another tab or notebook, which saves "
             "your answers; close that one, then reload this page")

_state: dict[str, bool] = {}


def is_writer() -> bool:
    """Whether this kernel saves answers (see the module doc); False before `start()`."""
    return _state.get("writer", False)


async def start() -> None:
    """Prepare this kernel (once): course, time zone, store folder and whether it may write."""
    if "writer" in _state:
        return
    import pyodide_js

    os.environ["LEADERDECK_COURSE"] = str(resources.files("leaderdeck_course") / "course.msgpack")
    _use_browser_zone()
    fs = pyodide_js.FS
    Path(MOUNT).mkdir(exist_ok=True)
    fs.mount(fs.filesystems.IDBFS, {}, MOUNT)
    await _syncfs(fs, populate=True)
    writer = await _take_writer_lock()
    _state["writer"] = writer
    if writer:
        from ..progress import store

        os.environ["LEADERDECK_HOME"] = MOUNT
        store.AFTER_COMMIT.append(lambda path: _save_soon(fs))
    else:
        from ..progress.api import load_catalog
        from .exchange import read_only_copy

        _, catalog = load_catalog()
        copy = read_only_copy(_store_path(), Path(READ_ONLY_FOLDER), NOT_SAVED, catalog)
        os.environ["LEADERDECK_HOME"] = str(copy.parent)
        _show(READ_ONLY_NOTE)


def progress_panel() -> ProgressPanel:
    """The start page's panel: persistent storage asked for, progress downloaded and merged (the
    read-only snapshot's, in a page that does not save)."""
    from ..progress.store import STORE_FILE
    from .panel import ProgressPanel

    store = _store_path() if is_writer() else Path(READ_ONLY_FOLDER) / STORE_FILE
    return ProgressPanel(store, is_writer())


def _store_path() -> Path:
    from ..progress.store import STORE_FILE

    return Path(MOUNT) / STORE_FILE


def _use_browser_zone() -> None:
    """tzlocal finds no zone in the browser; the learner's zone is the browser's."""
    import js

    os.environ.setdefault("TZ", str(js.Intl.DateTimeFormat.new().resolvedOptions().timeZone))


async def _syncfs(fs: Any, *, populate: bool) -> None:
    from pyodide.ffi import create_once_callable

    done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    fs.syncfs(populate, create_once_callable(lambda error=None: done.set_result(error)))
    error = await done
    if error:
        raise OSError(f"IndexedDB sync failed: {error}")


_saving = {"running": False, "again": False}


def _save_soon(fs: Any) -> None:
    """Copy the folder to IndexedDB. It runs after the write's commit and before any other Python
    code (the worker is single-threaded), so IndexedDB only ever receives committed states.

    One copy at a time: commits made while one runs are copied by one more when it ends (a matching
    quiz commits a review per row at once, and each started its own copy of the whole store:
    Emscripten's "9 FS.syncfs operations in flight at once" in the console)."""
    from pyodide.ffi import create_once_callable

    if _saving["running"]:
        _saving["again"] = True
        return
    _saving["running"] = True

    def done(error: Any = None) -> None:
        if error:
            print(f"leaderdeck: saving your progress to IndexedDB failed: {error}", file=sys.stderr)
        _saving["running"] = False
        if _saving["again"]:
            _saving["again"] = False
            _save_soon(fs)

    fs.syncfs(False, create_once_callable(done))


async def _take_writer_lock() -> bool:
    """A Web Lock shared by every tab and worker of the site; held while this kernel lives."""
    import js
    from pyodide.ffi import create_proxy, jsnull, to_js

    granted: asyncio.Future[bool] = asyncio.get_running_loop().create_future()

    def holder(lock: Any) -> Any:
        got = lock is not None and lock is not jsnull  # Pyodide passes JavaScript's null as jsnull
        granted.set_result(got)
        return js.Promise.new(create_proxy(lambda resolve, reject: None)) if got else None

    options = to_js({"ifAvailable": True}, dict_converter=js.Object.fromEntries)
    js.navigator.locks.request(LOCK_NAME, options, create_proxy(holder))
    return await granted


def _show(message: str) -> None:
    from IPython.display import display

    note = f'<div class="ld-site-note" role="status"><strong>Note:</strong> {message}</div>'
    display({"text/html": note}, raw=True)  # type: ignore[no-untyped-call]
