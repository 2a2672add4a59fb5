"""The built site, made once per session into build/site-test/ (rebuilt only when the package or the
fixture course changed), served from 127.0.0.1 by a thread; Chromium with a persistent profile.

The first build downloads Pyodide (npm) and wheels (PyPI) into build/site-cache/. Without them and
without LEADERDECK_SITE_TEST=1 (`make site-test`), these tests are skipped, so `make test` never
needs the network.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import importlib.util
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LESSONS = ROOT / "tests" / "notebooks" / "fixtures" / "lessons"
CACHE = ROOT / "build" / "site-cache"
SITE = ROOT / "build" / "site-test"
CHROMIUM = Path("/usr/bin/chromium")
# The site test answers the fixture lesson with the browser tests' helpers (`browser.answering`).
sys.path.insert(0, str(ROOT / "tests"))


def _skip_reason() -> str | None:
    if importlib.util.find_spec("jupyterlite_core") is None:
        return "the site test needs the `site` extra (make site-test installs it)"
    if not CHROMIUM.exists():
        return f"the site test needs Chromium at {CHROMIUM}"
    if not (CACHE / "wheels").is_dir() and not os.environ.get("LEADERDECK_SITE_TEST"):
        return "no build/site-cache/ (Pyodide and wheels, downloaded once): run `make site-test`"
    return None


def pytest_collection_modifyitems(items):
    reason = _skip_reason()
    for item in items:
        if reason and item.get_closest_marker("site") is not None:  # not the folder name: keywords hold it too
            item.add_marker(pytest.mark.skip(reason=reason))


def _stamp() -> str:
    digest = hashlib.sha256()
    for folder in (ROOT / "src" / "leaderdeck", LESSONS):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(ROOT).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="session")
def site() -> Path:
    from leaderdeck.course import load_course
    from leaderdeck.site.build import build_site

    stamp = _stamp()
    if (SITE / ".stamp").is_file() and (SITE / ".stamp").read_text() == stamp:
        return SITE
    build_site(load_course(LESSONS), SITE, CACHE)
    (SITE / ".stamp").write_text(stamp)
    return SITE


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def served(site: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
