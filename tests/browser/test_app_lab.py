"""JupyterLab as `make lab` runs it, on a learner's clone of a course release: answer, save, pull a
new release with the lesson still open, save again, stop the kernel, start `make lab` again and
reopen. No "File Changed" dialog, a clean tree, the new release in the learner's workspace, a
readable note where each quiz was (never "model not found"), and every save exactly as built."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from leaderdeck.notebooks import write_notebooks
from leaderdeck.notebooks.workspace import WORKSPACE_DIR, refresh

from .answering import from_question_one
from .conftest import fresh_course, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]
GITIGNORE = Path(__file__).parents[2] / ".gitignore"


def git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=folder,
                          check=True, capture_output=True, text=True).stdout


def release(upstream: Path, message: str) -> None:
    from leaderdeck.course import load_course

    write_notebooks(load_course(upstream / "lessons"), upstream)
    git(upstream, "add", "-A")
    git(upstream, "commit", "-q", "-m", message)


def save(page) -> None:
    page.keyboard.press("Control+s")
    expect(page.locator(".jp-mod-dirty")).to_have_count(0, timeout=20_000)
    expect(page.get_by_text("File Changed")).to_have_count(0)


def run_all_and_answer(page) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()
    quiz = page.locator(".ld-quiz").first
    expect(quiz).to_be_visible(timeout=60_000)
    from_question_one(quiz)
    quiz.get_by_role("button", name="Show answer", exact=True).click()
    quiz.get_by_role("button", name="Good", exact=True).click()
    expect(page.locator(".jp-mod-dirty")).to_have_count(1, timeout=20_000)  # outputs changed


def test_study_pull_a_new_release_with_the_lesson_open_then_reopen(page, lab):
    upstream = fresh_course(lab, "upstream")
    shutil.copy(GITIGNORE, upstream)
    git(upstream, "init", "-q", "-b", "main")
    release(upstream, "release 1")
    clone = lab.root / "learner"
    git(lab.root, "clone", "-q", str(upstream), str(clone))
    refresh(clone)  # what `make lab` does first
    lesson = clone / WORKSPACE_DIR / "01-doors.ipynb"
    url = lab.url(lesson)

    page.goto(url)
    expect(page.get_by_text("Python 3 (ipykernel) | Idle")).to_be_visible(timeout=60_000)
    expect(page.locator(".ld-resting").first).to_contain_text("Run this cell")  # before running: a note
    run_all_and_answer(page)
    save(page)
    assert lesson.read_bytes() == (clone / "notebooks" / lesson.name).read_bytes()

    text = upstream / "lessons" / "01-doors.yaml"
    text.write_text(text.read_text().replace("cannot be undone.", "cannot be undone, ever."))
    release(upstream, "release 2: a concept rewritten")
    git(clone, "pull", "-q", "--no-rebase")  # JupyterLab still has the lesson open
    run_all_and_answer(page)
    save(page)  # no "File Changed": the pull changed notebooks/, not the file open here
    assert git(clone, "status", "--porcelain") == ""

    lab.shut_down_kernels()  # the learner stops `make lab` and starts it again
    refresh(clone)
    page.goto(url)
    expect(page.locator(".jp-Notebook")).to_be_visible(timeout=60_000)
    expect(page.locator(".ld-resting")).to_have_count(2, timeout=30_000)
    expect(page.locator(".jp-RenderedMarkdown", has_text="cannot be undone, ever.")).to_be_visible()
    expect(page.get_by_text("model not found")).to_have_count(0)
    expect(page.get_by_text("Error displaying widget")).to_have_count(0)
    assert git(clone, "status", "--porcelain") == ""
    screenshot(page, "app-lab-reopened")
