"""The browser edition: size of the built site on disk, and how long Chromium takes from opening
the first lesson to its first quiz, cold (a new profile: Pyodide and every wheel fetched from the
local server) and warm (a reload: the browser's cache, the same profile).

Needs the site's build cache (build/site-cache/, `make site`) and /usr/bin/chromium; without
them the module reports nothing rather than downloading.
"""

from __future__ import annotations

import functools
import http.server
import tempfile
import threading
import time
from pathlib import Path

from .harness import ROOT, Row

CACHE = ROOT / "build" / "site-cache"
SITE = ROOT / "build" / "site-bench"
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def rows(quick: bool) -> list[Row]:
    if not (CACHE / "wheels").is_dir() or not CHROMIUM.exists():
        return []
    from leaderdeck.course import load_course
    from leaderdeck.site.build import build_site

    report = build_site(load_course(ROOT / "lessons"), SITE, CACHE)
    first_lesson = min(path.name for path in (ROOT / "notebooks").glob("01-*.ipynb"))  # the course's order
    cold, warm = _load_times(SITE, first_lesson)
    return [Row("site: size on disk", report.bytes / 1e6, "MB", "report", True),
            Row("site: cold load to first quiz (Chromium)", cold, "s", "< 10 s", cold < 10),
            Row("site: warm load to first quiz (reload)", warm, "s", "< 3 s", warm < 3)]


def _load_times(site: Path, notebook: str) -> tuple[float, float]:
    from playwright.sync_api import expect, sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/lab/index.html?path={notebook}"
    times = []
    try:
        with tempfile.TemporaryDirectory() as profile, sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(profile, executable_path=str(CHROMIUM), args=ARGS)
            page = context.new_page()
            for load in (lambda: page.goto(url), page.reload):
                started = time.monotonic()
                load()
                expect(page.get_by_text("Python (Pyodide) | Idle")).to_be_visible(timeout=180_000)
                page.get_by_text("Run", exact=True).first.click()
                page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()
                expect(page.locator(".ld-quiz").first).to_be_visible(timeout=180_000)
                times.append(time.monotonic() - started)
            context.close()
    finally:
        server.shutdown()
        server.server_close()
    return times[0], times[1]
