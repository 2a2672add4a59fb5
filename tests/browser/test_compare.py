"""Each quiz kind beside jupyterquiz's equivalent, in the same JupyterLab, saved side by side to
test-artifacts/compare-<kind>.png to be looked at. jupyterquiz has a single choice, a multiple
choice and a typed answer (our choice, multi-select and cloze); flashcards, order items and
reflections have no jupyterquiz equivalent and are not compared."""

from __future__ import annotations

import io

import nbformat
import pytest
from playwright.sync_api import expect

from .answering import TIMEOUT, expect_feedback, press
from .conftest import ARTIFACTS
from .test_lab import open_notebook, run_all

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]
jupyterquiz = pytest.importorskip("jupyterquiz", reason="the comparison needs jupyterquiz (pip install jupyterquiz)")

# The fixture lesson's questions, as jupyterquiz writes them.
PEERS = {
    "single": {"question": "Which door deserves a quick trial?", "type": "multiple_choice", "answers": [
        {"answer": "The two-way door", "correct": True, "feedback": "It is reversible."},
        {"answer": "The one-way door", "correct": False, "feedback": "It cannot be undone."}]},
    "multi": {"question": "Which describe a one-way door? (Select all that apply.)", "type": "many_choice",
              "answers": [{"answer": "Permanent", "correct": True}, {"answer": "Rare", "correct": True},
                          {"answer": "Quick experiments", "correct": False}]},
    "cloze": {"question": "Two-way doors invite speed and ____.", "type": "string",
              "answers": [{"answer": "experiments", "correct": True, "feedback": "Mistakes are cheap to undo."}]},
}


def peer_notebook(path) -> None:
    cells = [nbformat.v4.new_code_cell(f"from jupyterquiz import display_quiz\ndisplay_quiz({[q]!r})")
             for q in PEERS.values()]
    kernel = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nbformat.write(nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": kernel}), path)


def side_by_side(name: str, ours: bytes, theirs: bytes) -> None:
    from PIL import Image, ImageDraw

    left, right = Image.open(io.BytesIO(ours)), Image.open(io.BytesIO(theirs))
    gap, label = 24, 28
    canvas = Image.new("RGB", (left.width + right.width + gap, max(left.height, right.height) + label), "white")
    canvas.paste(left, (0, label))
    canvas.paste(right, (left.width + gap, label))
    draw = ImageDraw.Draw(canvas)
    draw.text((4, 6), "leaderdeck", fill="black")
    draw.text((left.width + gap + 4, 6), "jupyterquiz", fill="black")
    canvas.save(ARTIFACTS / f"compare-{name}.png")


def test_each_kind_beside_jupyterquiz(page, lab, project):
    page.set_viewport_size({"width": 1400, "height": 1000})
    peer_notebook(project / "notebooks" / "peers.ipynb")
    page.goto(lab.url(project / "notebooks" / "peers.ipynb"))
    expect(page.get_by_text("Python 3 (ipykernel) | Idle")).to_be_visible(timeout=60_000)
    run_all(page)
    peers = page.locator(".jp-OutputArea-output:has(.Quiz)")
    expect(peers).to_have_count(len(PEERS), timeout=60_000)
    theirs = {}
    for n, name in enumerate(PEERS):
        peer = peers.nth(n)
        peer.scroll_into_view_if_needed()
        if name == "cloze":
            peer.locator("input").first.fill("experimentation")
            peer.locator("input").first.press("Enter")
        else:
            peer.locator(".MCButton").first.click()
        page.wait_for_timeout(300)
        theirs[name] = peer.screenshot()

    ARTIFACTS.mkdir(exist_ok=True)
    open_notebook(page, lab, project, "compare.ipynb")
    run_all(page)
    quizzes = page.locator(".ld-quiz")
    expect(quizzes).to_have_count(2, timeout=60_000)
    one, two = quizzes.nth(0), quizzes.nth(1)
    for quiz in (one, two):
        if quiz.locator(".ld-resume").count():
            press(quiz, "Practise again")
    two.get_by_label("Blank 1", exact=True).fill("speed")
    two.get_by_label("Blank 2", exact=True).fill("experimentation")
    press(two, "Check")
    expect_feedback(two, "Close enough")
    side_by_side("cloze", two.screenshot(), theirs["cloze"])
    press(two, "Next")
    two.locator(".ld-option", has_text="The two-way door").click()
    press(two, "Check")
    expect_feedback(two, "✓ Right.")
    side_by_side("single", two.screenshot(), theirs["single"])
    press(one, "Show answer")
    press(one, "Good")
    press(one, "Next")
    one.locator(".ld-option", has_text="Permanent").click()
    press(one, "Check")
    expect(one.locator(".ld-feedback").last).to_be_visible(timeout=TIMEOUT)
    side_by_side("multi", one.screenshot(), theirs["multi"])
