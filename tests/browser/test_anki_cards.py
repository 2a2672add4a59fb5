"""Our Anki cards as Anki's reviewers show them, in Chromium: each card rendered by the official
`anki` package (`card.question()`, `card.answer()`, which carry the note type's CSS and script)
inside `<body class="card cardN">` (plus `nightMode night_mode` at night), 20 px margin.

Front and back are separate page loads in the agreement tests, as on AnkiDroid; sessionStorage
carries the choice. The screenshots and measurements swap each side into one page instead (as
Anki's desktop reviewer does), which is some fifteen times faster than a load per side.
Screenshots: test-artifacts/anki-<type>-<light|night>-<js|nojs>.png, four panes each: front and
back at 390 px, front and back at 800 px (a wrong option tapped first, where scripts run).
Set LEADERDECK_ALL_SHOTS=1 for every pane; by default the night and no-script sets hold the
390 px panes only."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import statistics
from pathlib import Path

import pytest

from leaderdeck.course import load_course
from leaderdeck.decks import build_decks

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_LESSONS = ROOT / "tests" / "decks" / "fixtures" / "lessons"
BASE = "http://127.0.0.1:9/"
DAY_MS = 86_400_000


def page_html(side: str, ord_: int, night: bool) -> str:
    theme = " nightMode night_mode" if night else ""
    return (f'<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width, initial-scale=1"></head><body class="card card{ord_ + 1}{theme}" '
            f'style="margin: 20px">{side}</body></html>')


@pytest.fixture(scope="module")
def cards(tmp_path_factory):
    """Rendered cards: name → (front html, back html, ordinal, the stored index of a wrong option
    or None), plus every choice card's sides for measuring; from the shipped course (the fixture
    course for a reflection, notebook-only in the shipped one)."""
    pytest.importorskip("anki")
    import anki.lang
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    anki.lang.set_lang("en")
    root = tmp_path_factory.mktemp("anki-cards")
    shutil.copytree(FIXTURE_LESSONS, root / "fixture")
    rendered: dict[str, tuple[str, str, int, str | None]] = {}
    choices: list[tuple[str, str, str | None]] = []
    for name, lessons in (("shipped", ROOT / "lessons"), ("fixture", root / "fixture")):
        course = load_course(lessons)
        build_decks(course, root / name, 1_750_000_000)
        collection = Collection(str(root / f"{name}.anki2"))
        try:
            collection.import_anki_package(ImportAnkiPackageRequest(
                package_path=str(root / name / "decks" / f"{course.id}.apkg"), options=ImportAnkiPackageOptions()))
            for card_id in sorted(collection.find_cards("")):
                card = collection.get_card(card_id)
                kind = card.note_type()["name"].removeprefix("leaderdeck ")
                front, back = card.question(), card.answer()
                wrong = re.search(r'class="ld-wrong" data-i="(\d+)"', back)
                entry = (front, back, card.ord, wrong.group(1) if wrong else None)
                if name == "shipped" and kind == "choice":
                    choices.append((front, back, entry[3]))
                key = {("flashcard", 1): "reverse"}.get((kind, card.ord), kind)
                if key == "choice" and "data-multi=\"y\"" in front:
                    key = "choice-multi"
                elif key == "choice" and 'class="ld-scenario"' in front:
                    key = "choice-scenario"
                if name == "shipped" or key not in rendered:
                    rendered.setdefault(key, entry)
        finally:
            collection.close()
    return rendered, choices


@pytest.fixture
def context_for(chromium):
    """Contexts that serve given pages from 127.0.0.1 and nothing else."""
    made = []

    def make(pages: dict[str, str], *, width: int = 390, javascript: bool = True, day_offset: int = 0):
        context = chromium.new_context(viewport={"width": width, "height": 700}, java_script_enabled=javascript)
        if day_offset:
            context.add_init_script(f"""(() => {{
                const Real = Date, shift = {day_offset * DAY_MS};
                class Shifted extends Real {{
                    constructor(...a) {{ if (a.length) super(...a); else super(Real.now() + shift); }}
                    static now() {{ return Real.now() + shift; }}
                }}
                window.Date = Shifted;
            }})();""")

        def serve(route):
            name = route.request.url.removeprefix(BASE)
            if name in pages:
                route.fulfill(status=200, content_type="text/html; charset=utf-8", body=pages[name])
            else:
                route.abort()

        context.route("**/*", serve)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


def _shown(page, selector: str) -> list[str]:
    return page.eval_on_selector_all(selector, "els => els.map(e => e.textContent.trim())")


def _choice_pages(cards, key: str) -> dict[str, str]:
    front, back, ord_, _ = cards[0][key]
    return {"front.html": page_html(front, ord_, False), "back.html": page_html(back, ord_, False)}


def _back_numbers(page) -> dict[str, int]:
    """Option text (without marks and feedback) → the number the back gives it."""
    return page.eval_on_selector_all(".ld-choice-back li[data-i]", """els => Object.fromEntries(els.map(li => {
        const copy = li.cloneNode(true);
        copy.querySelectorAll('.ld-num, .ld-mark, .ld-you, .ld-option-feedback').forEach(e => e.remove());
        return [copy.textContent.trim(), parseInt(li.querySelector('.ld-num').textContent)];
    }))""")


@pytest.mark.timeout(60)
def test_choice_front_and_back_agree_and_the_back_shows_the_choice(cards, context_for):
    pages = _choice_pages(cards, "choice")
    wrong = cards[0]["choice"][3]
    page = context_for(pages).new_page()
    page.goto(BASE + "front.html")
    front = _shown(page, ".ld-choices li")
    assert page.is_visible(".ld-tap-hint")
    page.click(f'.ld-choices li[data-i="{wrong}"]')
    assert page.get_attribute(f'.ld-choices li[data-i="{wrong}"]', "aria-checked") == "true"
    tapped = page.text_content(f'.ld-choices li[data-i="{wrong}"]').strip()
    page.goto(BASE + "back.html")  # a separate load, as on AnkiDroid
    assert _back_numbers(page) == {text: n for n, text in enumerate(front, start=1)}
    first = _shown(page, ".ld-first > li")
    assert len(first) == 2 and first[0].startswith("Your choice") and tapped in first[0]
    assert "✓ Correct" in first[1]
    assert page.text_content(".ld-summary").startswith("✗ Not this one")
    assert not page.is_visible(".ld-others li")  # folded until opened

    # A client that keeps nothing between the sides: the same order (seeded by the day), and says so.
    bare = context_for(pages).new_page()
    bare.goto(BASE + "back.html")
    assert _back_numbers(bare) == {text: n for n, text in enumerate(front, start=1)}
    assert "did not reach this side" in bare.text_content(".ld-summary")


@pytest.mark.timeout(60)
def test_the_review_order_changes_from_day_to_day(cards, context_for):
    pages = _choice_pages(cards, "choice-multi")
    orders = []
    for day in range(6):
        page = context_for(pages, day_offset=day).new_page()
        page.goto(BASE + "front.html")
        orders.append(tuple(_shown(page, ".ld-choices li")))
        page.goto(BASE + "back.html")
        assert _back_numbers(page) == {text: n for n, text in enumerate(orders[-1], start=1)}
        assert "You chose nothing" in page.text_content(".ld-summary")
    assert len(set(orders)) >= 3, orders


@pytest.mark.timeout(60)
def test_without_scripts_the_stored_order_shows_and_the_back_lists_the_answer_first(cards, context_for):
    pages = _choice_pages(cards, "choice")
    page = context_for(pages, javascript=False).new_page()
    page.goto(BASE + "front.html")
    assert not page.is_visible(".ld-tap-hint")
    page.goto(BASE + "back.html")
    assert "✓ Correct" in _shown(page, ".ld-first > li")[0]
    assert not page.is_visible(".ld-summary")


def _compose(shots: list[bytes], path: Path) -> None:
    from PIL import Image

    images = [Image.open(io.BytesIO(shot)) for shot in shots]
    gap = 8
    canvas = Image.new("RGB", (sum(i.width for i in images) + gap * (len(images) - 1),
                               max(i.height for i in images)), (255, 0, 255))
    x = 0
    for image in images:
        canvas.paste(image, (x, 0))
        x += image.width + gap
    canvas.save(path)


@pytest.mark.timeout(90)
def test_screenshots_of_every_card_type(cards, context_for):
    """test-artifacts/anki-*.png; back heights at 390 px in anki-heights.json. Look at them."""
    pytest.importorskip("PIL")
    rendered = cards[0]
    assert {"flashcard", "reverse", "cloze", "choice", "choice-multi", "choice-scenario", "order",
            "reflection"} <= set(rendered)
    ARTIFACTS.mkdir(exist_ok=True)
    every_pane = bool(os.environ.get("LEADERDECK_ALL_SHOTS"))
    heights: dict[str, dict[str, int]] = {}
    for night in (False, True):
        for javascript in (True, False):
            page = _swapping_page(context_for, javascript=javascript)
            widths = (390, 800) if every_pane or (javascript and not night) else (390,)
            for key, (front, back, ord_, wrong) in rendered.items():
                shots = []
                for width in widths:
                    page.set_viewport_size({"width": width, "height": 700})
                    page.set_content(page_html(front, ord_, night))
                    shots.append(page.screenshot(full_page=True))
                    if javascript and wrong is not None and key.startswith("choice"):
                        page.click(f'.ld-choices li[data-i="{wrong}"]')
                    page.set_content(page_html(back, ord_, night))
                    shots.append(page.screenshot(full_page=True))
                    if width == 390 and not night:
                        heights.setdefault(key, {})["js" if javascript else "nojs"] = page.evaluate(
                            "document.documentElement.scrollHeight")
                theme = "night" if night else "light"
                _compose(shots, ARTIFACTS / f"anki-{key}-{theme}-{'js' if javascript else 'nojs'}.png")
    (ARTIFACTS / "anki-heights.json").write_text(json.dumps({"sample backs at 390 px": heights}, indent=1))


def _swapping_page(context_for, *, javascript: bool = True, width: int = 390):
    """A page on the cards' origin (so sessionStorage carries a tap from front to back) whose
    content the caller swaps with `set_content`."""
    page = context_for({"blank.html": "<!doctype html><title>cards</title>"}, javascript=javascript,
                       width=width).new_page()
    page.goto(BASE + "blank.html")
    return page


@pytest.mark.timeout(60)
def test_choice_backs_fit_a_phone(cards, context_for):
    """Every shipped choice back at 390 px after a wrong tap. Before (every option with its
    feedback): median 993 px, max 1361. The options now take two entries; what remains is the
    scenario, the explanation and the source's quote, so most backs still exceed a phone's 640 px."""
    choice_backs = _choice_back_heights(context_for, cards[1])
    (ARTIFACTS / "anki-choice-heights.json").write_text(json.dumps(
        {"median": statistics.median(choice_backs), "max": max(choice_backs),
         "over 640": sum(h > 640 for h in choice_backs), "of": len(choice_backs), "all": choice_backs}, indent=1))
    assert statistics.median(choice_backs) <= 960 and max(choice_backs) <= 1200, choice_backs


def _choice_back_heights(context_for, choices) -> list[int]:
    """Every shipped choice back at 390 px, light, after tapping a wrong option on the front."""
    page = _swapping_page(context_for)
    heights = []
    for front, back, wrong in choices:
        page.set_content(page_html(front, 0, False))
        page.click(f'.ld-choices li[data-i="{wrong}"]')
        page.set_content(page_html(back, 0, False))
        heights.append(round(page.evaluate("document.body.getBoundingClientRect().height") + 40))  # + margins
    return sorted(heights)
