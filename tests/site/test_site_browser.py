"""The built site in a real Chromium, with one persistent profile: answer a quiz of each kind,
reload, restart the browser, and every answer is still counted (in IndexedDB, read by the
desktop's own store, and in the kernel, which resumes after them); the download merges on the
desktop (`leaderdeck import-progress`); the Anki package built in the browser imports into a real
Anki with every studied card scheduled; a second tab shows the progress read-only and cannot
overwrite the first one's answers; no request leaves 127.0.0.1."""

from __future__ import annotations

import base64
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, Playwright, expect

from browser.answering import answer_one_way_quiz, answer_two_way_quiz, self_grade  # tests/browser
from leaderdeck.cli import main
from leaderdeck.events import Answer, Rating
from leaderdeck.identity import CardKey, note_guid
from leaderdeck.progress.store import open_store
from leaderdeck.site.browser import READ_ONLY_NOTE
from leaderdeck.site.build import LESSON_PAGE

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
KERNEL_START = 120_000  # a cold start loads Pyodide and ~30 wheels: 25-40 s on two busy cores
# The fixture lesson answered by `answering`: 10 reviews in its first quiz, 7 in its second.
ANSWERED = 17

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

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.site, pytest.mark.timeout(900)]


@contextmanager
def chromium(playwright: Playwright, profile: Path, served: str, refused: list[str]) -> Iterator[BrowserContext]:
    """Chromium with a persistent `profile`; requests that leave `served` are refused and listed."""
    context = playwright.chromium.launch_persistent_context(
        profile, executable_path="/usr/bin/chromium", args=ARGS, viewport={"width": 1280, "height": 1000})
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(served)
                  else (refused.append(route.request.url), route.abort()))
    try:
        yield context
    finally:
        context.close()


def new_page(context: BrowserContext) -> Page:
    """A page that answers JupyterLab's "File Changed" dialog (a notebook open in two tabs of the
    profile, each autosaving it) with Revert, which would otherwise block the Run menu."""
    page = context.new_page()
    dialog = page.get_by_role("dialog").filter(has_text="has changed on disk")
    page.add_locator_handler(dialog, lambda found: found.get_by_role("button", name="Revert").click())
    return page


def open_notebook(page: Page, base: str | None, name: str, ready: str) -> float:
    """Open `name` (with no `base`, reload the page), run all cells, wait for `ready`; seconds taken."""
    started = time.monotonic()
    page.goto(f"{base}/lab/index.html?path={name}") if base else page.reload()
    # JupyterLab may also restore, in a hidden tab, a notebook open when the browser closed
    expect(page.locator(".jp-Notebook").filter(visible=True)).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Python (Pyodide) | Idle")).to_be_visible(timeout=KERNEL_START)
    page.get_by_text("Run", exact=True).first.click()
    page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()
    expect(page.locator(ready)).to_be_visible(timeout=KERNEL_START)
    return time.monotonic() - started


def open_lesson(page: Page, base: str | None = None) -> float:
    """The first lesson; seconds to its quizzes."""
    return open_notebook(page, base, "01-doors.ipynb", ".ld-quiz >> nth=1")


def quizzes(page: Page) -> tuple[Locator, Locator]:
    return page.locator(".ld-quiz").nth(0), page.locator(".ld-quiz").nth(1)


def expect_all_answered(page: Page) -> None:
    """Both quizzes resume after today's answers: nothing left to ask."""
    for quiz in quizzes(page):
        expect(quiz.locator(".ld-resume")).to_contain_text("answered today", timeout=30_000)
        expect(quiz.locator(".ld-card")).to_have_count(0)


def saved_reviews(page: Page, folder: Path) -> int:
    """The reviews in the store IndexedDB holds, read by the desktop's own store."""
    page.wait_for_timeout(1000)  # the IndexedDB copy runs right after the commit
    folder.mkdir(exist_ok=True)
    for key, data in page.evaluate(READ_IDBFS).items():
        (folder / Path(key).name).write_bytes(base64.b64decode(data))
    with open_store(folder / "progress.sqlite3") as store:
        return store.review_count()


def download(page: Page, button: str, target: Path) -> Path:
    with page.expect_download() as download:
        page.get_by_role("button", name=button).click()
    download.value.save_as(target)
    return target


def merge_into_desktop(downloaded: Path, desktop: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """What a desktop learner does with the download: `leaderdeck import-progress FILE`."""
    capsys.readouterr()
    assert main(["import-progress", str(downloaded), "--store", str(desktop)]) == 0
    return capsys.readouterr().out


def anki_agrees(package: Path, store_path: Path, folder: Path) -> None:
    """The package built in the browser, imported into a real Anki: every card of the deck the store
    studied is scheduled there with the store's counts and review log."""
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    folder.mkdir()
    collection = Collection(str(folder / "collection.anki2"))
    try:
        collection.import_anki_package(ImportAnkiPackageRequest(
            package_path=str(package), options=ImportAnkiPackageOptions(with_scheduling=True)))
        with open_store(store_path) as store:
            in_deck = 0
            for progress in store.cards():
                key = CardKey.parse(progress.card)
                reps = collection.db.scalar("SELECT c.reps FROM cards c JOIN notes n ON n.id = c.nid "
                                            "WHERE n.guid = ? AND c.ord = ?", note_guid(key.note), key.ordinal)
                if reps is not None:  # None: a notebook-only item (reflections are, by default)
                    assert reps == progress.reps, progress.card
                    in_deck += reps
            assert in_deck > 0
            assert collection.db.scalar("SELECT count(*) FROM revlog") == in_deck
    finally:
        collection.close()


def one_more_review(downloaded: Path, target: Path) -> Path:
    """A desktop store: the downloaded one, and one more answer today."""
    target.write_bytes(downloaded.read_bytes())
    with open_store(target) as store:
        last = store.history()[-1]
        store.record(Answer(CardKey.parse(last.card), last.kind, True, Rating.GOOD, 3000, datetime.now(UTC)))
    return target


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_answers_survive_reload_and_restart_and_a_second_tab_cannot_overwrite_them(
        served: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], playwright_driver: Playwright):
    refused: list[str] = []
    profile, times = tmp_path / "profile", {}
    folder: Callable[[str], Path] = lambda name: tmp_path / name  # noqa: E731
    with chromium(playwright_driver, profile, served, refused) as context:
        page = new_page(context)
        times["cold"] = open_lesson(page, served)
        one_way, two_way = quizzes(page)
        answer_one_way_quiz(one_way)
        answer_two_way_quiz(two_way)
        assert saved_reviews(page, folder("answered")) == ANSWERED
        times["reload"] = open_lesson(page)
        expect_all_answered(page)
        assert saved_reviews(page, folder("reloaded")) == ANSWERED
    with chromium(playwright_driver, profile, served, refused) as context:  # the same profile, a new browser
        page = new_page(context)
        times["restart, start page"] = open_notebook(page, served, "00-start-here.ipynb", ".ld-progress-panel")
        expect(page.locator(".ld-persist")).to_contain_text("storage")  # kept or refused: the learner is told
        downloaded = download(page, "Download your progress", tmp_path / "downloaded.sqlite3")
        assert f"added {ANSWERED} reviews, 0 already present" in merge_into_desktop(downloaded,
                                                                                  tmp_path / "desktop.sqlite3", capsys)
        upload = one_more_review(downloaded, tmp_path / "upload.sqlite3")
        page.locator("input.ld-upload").set_input_files(upload)
        expect(page.locator(".ld-exchange-message")).to_contain_text(f"1 review added, {ANSWERED} already here")
        assert saved_reviews(page, folder("uploaded")) == ANSWERED + 1
        package = download(page, "Download for Anki", tmp_path / "from-the-site.apkg")
        expect(page.locator(".ld-exchange-message")).to_contain_text("Import any learning progress")
        anki_agrees(package, folder("uploaded") / "progress.sqlite3", tmp_path / "anki")
        screenshot(page, "site-start-page.png")

        second = new_page(context)  # the start page's kernel saves; the lesson's shows a read-only snapshot
        open_lesson(second, served)
        expect(second.locator(".ld-site-note")).to_contain_text(READ_ONLY_NOTE)
        expect_all_answered(second)  # today's answers, read from the writer's store
        screenshot(second, "site-second-tab.png")
        assert saved_reviews(page, folder("second-tab")) == ANSWERED + 1
    print("\nsite: first quiz after " + ", ".join(f"{what} {seconds:.1f} s" for what, seconds in times.items()))
    assert refused == []
    store = sqlite3.connect(folder("second-tab") / "progress.sqlite3")
    assert store.execute("PRAGMA application_id").fetchone()[0] == 0x4C445052


# Words of the app around the lesson, which the lesson view must not show.
APP_WORDS = ("Jupyter", "Kernel", "Python", "Pyodide", "import ", "Shift+Enter", "Not Trusted")


@pytest.mark.skipif(not os.environ.get("LEADERDECK_SITE_TEST"), reason="another kernel start: only in make site-test")
def test_the_lesson_view_runs_on_open_shows_no_code_and_saves_answers(served: str, tmp_path: Path,
                                                                      playwright_driver: Playwright):
    refused: list[str] = []
    with chromium(playwright_driver, tmp_path / "profile", served, refused) as context:
        page = context.new_page()
        page.set_viewport_size({"width": 1280, "height": 500})  # shorter than the lesson
        page.goto(f"{served}/{LESSON_PAGE}?path=01-doors.ipynb")  # nothing clicked: the cells run on open
        one_way, _ = quizzes(page)
        expect(page.locator(".ld-quiz >> nth=1")).to_be_visible(timeout=KERNEL_START)
        expect(page.locator(".ld-lesson-status")).to_have_count(0, timeout=KERNEL_START)
        # the lesson opens at its top (running all cells scrolled it to its last quiz)
        assert page.evaluate("() => document.querySelector('.jp-WindowedPanel-outer').scrollTop") == 0
        # with no frame round the first cell, which the page focuses
        ring = page.evaluate("() => getComputedStyle(document.querySelector('.jp-Notebook .jp-Cell')).boxShadow")
        assert ring == "none"
        expect(page.locator(".jp-CodeCell .jp-InputArea").first).to_be_hidden()
        shown = page.evaluate("() => document.body.innerText")
        assert [word for word in APP_WORDS if word in shown] == []
        assert page.title() == "Doors"
        # the lesson fills its column from the top: no strip of the notebook page's grey ground above it
        outer, sheet = page.evaluate("""() => ['.jp-WindowedPanel-outer', '.jp-WindowedPanel-viewport'].map((q) => {
          const e = document.querySelector(q);
          return [e.getBoundingClientRect().top, getComputedStyle(e).backgroundColor]; })""")
        assert outer == sheet
        # a click on a quiz's left edge reaches the quiz (the output's prompt overlay, which
        # collapses the output when clicked, lay over it)
        assert page.evaluate("""() => { const quiz = document.querySelector('.ld-quiz');
          quiz.scrollIntoView(); const box = quiz.getBoundingClientRect();
          return quiz.contains(document.elementFromPoint(box.left + 4, box.top + box.height / 2)); }""")
        cells = page.locator(".jp-Cell").count()
        page.locator(".jp-MarkdownCell").first.dblclick()  # cells cannot be edited, added or deleted here
        page.keyboard.press("Enter")
        page.keyboard.press("b")
        page.keyboard.press("d")
        page.keyboard.press("d")
        expect(page.locator(".jp-MarkdownCell:not(.jp-mod-rendered)")).to_have_count(0)
        assert page.locator(".jp-Cell").count() == cells
        self_grade(one_way, "Show answer", "Good")
        assert saved_reviews(page, tmp_path / "answered") == 1
        screenshot(page, "site-lesson-view.png")

        page.get_by_role("link", name="Contents").first.click()  # opens in place, in the lesson view
        expect(page).to_have_url(f"{served}/{LESSON_PAGE}?path=00-start-here.ipynb", timeout=30_000)
        expect(page.locator(".ld-progress-panel")).to_be_visible(timeout=KERNEL_START)
        expect(page.locator(".ld-dashboard")).to_be_visible()
    assert refused == []


def test_the_site_root_has_the_icon_browsers_ask_it_for(site: Path):
    """Chromium asks the site's root for /favicon.ico whatever a page links, and not through the
    service worker: without one there, a 404 reached the server at every reload."""
    assert (site / "favicon.ico").read_bytes() == (site / "lab" / "favicon.ico").read_bytes()
