"""The built site in a real Chromium: open a lesson, answer, reload, and the answer is still
counted, in IndexedDB and in the kernel that reloaded it; no request leaves 127.0.0.1."""

from __future__ import annotations

import base64
import sqlite3
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from leaderdeck.progress.store import open_store

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
KERNEL_START = 120_000  # a cold start loads Pyodide and ~25 wheels: 30-40 s on two busy cores

# Every file IDBFS keeps under /leaderdeck, as {path: base64 contents}.
READ_IDBFS = """async () => {
  const db = await new Promise((ok, no) => { const r = indexedDB.open('/leaderdeck');
    r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); });
  const store = db.transaction('FILE_DATA').objectStore('FILE_DATA');
  const keys = await new Promise(ok => { const r = store.getAllKeys(); r.onsuccess = () => ok(r.result); });
  const values = await new Promise(ok => { const r = store.getAll(); r.onsuccess = () => ok(r.result); });
  const out = {};
  keys.forEach((key, i) => { if (values[i].contents) {
    let s = ''; for (const b of values[i].contents) s += String.fromCharCode(b); out[key] = btoa(s); } });
  return out;
}"""

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.site, pytest.mark.timeout(300)]


def open_lesson(page: Page, base: str) -> float:
    """Open the first lesson, run all cells, wait for its first quiz; seconds to the first quiz."""
    started = time.monotonic()
    page.goto(f"{base}/lab/index.html?path=01-doors.ipynb")
    expect(page.locator(".jp-Notebook")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Python (Pyodide) | Idle")).to_be_visible(timeout=60_000)
    page.get_by_text("Run", exact=True).first.click()
    page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()
    expect(page.locator(".ld-card").first).to_be_visible(timeout=KERNEL_START)
    return time.monotonic() - started


def grade_first_flashcard(page: Page) -> None:
    quiz = page.locator(".ld-quiz").first
    quiz.get_by_role("button", name="Show answer", exact=True).click()
    quiz.get_by_role("button", name="Good", exact=True).click()
    expect(quiz.locator(".ld-feedback").last).to_contain_text("Graded Good", timeout=20_000)


def saved_reviews(page: Page, folder: Path) -> int:
    """The reviews in the store IndexedDB holds, read by the desktop's own store."""
    for key, data in page.evaluate(READ_IDBFS).items():
        (folder / Path(key).name).write_bytes(base64.b64decode(data))
    with open_store(folder / "progress.sqlite3") as store:
        return store.review_count()


def test_an_answer_survives_a_reload_and_nothing_leaves_the_origin(served: str, tmp_path: Path):
    refused: list[str] = []
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            tmp_path / "profile", executable_path="/usr/bin/chromium", args=ARGS,
            viewport={"width": 1280, "height": 1000})
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(served)
                      else (refused.append(route.request.url), route.abort()))
        page = context.new_page()
        cold = open_lesson(page, served)
        grade_first_flashcard(page)
        page.wait_for_timeout(1000)  # the IndexedDB copy runs right after the commit
        first = tmp_path / "first"
        first.mkdir()
        assert saved_reviews(page, first) == 1

        page.reload()
        warm = open_lesson(page, served)
        grade_first_flashcard(page)  # the reloaded kernel started from the saved store: now two
        page.wait_for_timeout(1000)
        second = tmp_path / "second"
        second.mkdir()
        assert saved_reviews(page, second) == 2
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "site-lesson.png"))
        context.close()
    print(f"\nsite: first quiz after {cold:.1f} s cold, {warm:.1f} s after a reload")
    assert refused == []
    assert sqlite3.connect(second / "progress.sqlite3").execute("PRAGMA application_id").fetchone()[0] == 0x4C445052
