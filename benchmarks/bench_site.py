"""The browser edition: size of the built site on disk, and how long Chromium takes from opening
the first lesson to its first quiz, cold (a new profile: Pyodide and every wheel fetched from the
local server) and warm (a reload: the browser's cache, the same profile), in both views: the
notebooks (`lab/`, cells run from the menu) and the lesson view (`notebooks/`, cells run on open).
The warm figure is the median of three reloads. The requests that reached the server during the
reloads are counted too (per reload, the most of the three; the browser's check for a new service
worker aside) and named with their status: the site's service worker should answer them all from
its cache. Pyodide's WebAssembly is left to the browser's HTTP cache (which keeps it compiled), so
a browser may revalidate it (a 304, no body) when the server sends no cache headers, as
`http.server` and most static hosts do not.

Needs the site's build cache (build/site-cache/, `make site`) and /usr/bin/chromium; without
them the module reports nothing rather than downloading.
"""

from __future__ import annotations

import functools
import http.server
import statistics
import tempfile
import threading
import time
from pathlib import Path

from leaderdeck.site.build import LAB_PAGE, LESSON_PAGE, build_site

from .harness import ROOT, Row

CACHE = ROOT / "build" / "site-cache"
SITE = ROOT / "build" / "site-bench"
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class _Counting(http.server.SimpleHTTPRequestHandler):
    served: list[str] = []

    def log_message(self, *args: object) -> None:
        pass

    def send_response(self, code: int, message: str | None = None) -> None:
        _Counting.served.append(f"{self.path} {code}")
        super().send_response(code, message)


def rows(quick: bool) -> list[Row]:
    if not (CACHE / "wheels").is_dir() or not CHROMIUM.exists():
        return []
    from leaderdeck.course import load_course

    report = build_site(load_course(ROOT / "lessons"), SITE, CACHE)
    first_lesson = min(path.name for path in (ROOT / "notebooks").glob("01-*.ipynb"))  # the course's order
    rows = [Row("site: size on disk", report.bytes / 1e6, "MB", "report", True)]
    for view, page in (("notebooks", LAB_PAGE), ("lesson view", LESSON_PAGE)):
        cold, warm, fetched = _load_times(SITE, f"{page}?path={first_lesson}", run_cells=page == LAB_PAGE)
        most = max(fetched, key=len)
        named = f" ({', '.join(sorted(set(most)))})" if most else ""
        rows += [Row(f"site, {view}: cold load to first quiz (Chromium)", cold, "s", "< 10 s", cold < 10),
                 Row(f"site, {view}: warm load to first quiz (reload, median of 3)", warm, "s", "< 3 s", warm < 3),
                 Row(f"site, {view}: requests reaching the server on reload{named}", len(most), "", "0",
                     not most)]
    return rows


def _load_times(site: Path, path: str, *, run_cells: bool) -> tuple[float, float, list[list[str]]]:
    from playwright.sync_api import expect, sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Counting, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/{path}"
    times: list[float] = []
    fetched: list[list[str]] = []
    try:
        with tempfile.TemporaryDirectory() as profile, sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(profile, executable_path=str(CHROMIUM), args=ARGS)
            page = context.new_page()
            for load in (lambda: page.goto(url), page.reload, page.reload, page.reload):
                _Counting.served.clear()
                started = time.monotonic()
                load()
                if run_cells:
                    expect(page.get_by_text("Python (Pyodide) | Idle")).to_be_visible(timeout=180_000)
                    page.get_by_text("Run", exact=True).first.click()
                    page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()
                expect(page.locator(".ld-quiz").first).to_be_visible(timeout=180_000)
                times.append(time.monotonic() - started)
                # the browser always asks whether the service worker changed: that is not a file refetched
                fetched.append([path for path in _Counting.served if not path.startswith("/service-worker.js")])
            context.close()
    finally:
        server.shutdown()
        server.server_close()
    return times[0], statistics.median(times[1:]), fetched[1:]
