"""JupyterLab as `make lab` runs it: answer, save, stop the kernel, reopen: a readable note where
each quiz was, never "model not found", and the file on disk is exactly as built."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]


def test_answer_save_stop_the_kernel_and_reopen(page, lab, project):
    built = (project / "notebooks" / "01-doors.ipynb").read_text()
    shutil.copy(project / "notebooks" / "01-doors.ipynb", project / "notebooks" / "lab-reopen.ipynb")
    url = lab.url(project / "notebooks" / "lab-reopen.ipynb")
    page.goto(url)
    expect(page.get_by_text("Python 3 (ipykernel) | Idle")).to_be_visible(timeout=60_000)
    expect(page.locator(".ld-resting").first).to_contain_text("Run this cell")  # before running: a note
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()
    quiz = page.locator(".ld-quiz").first
    expect(quiz).to_be_visible(timeout=60_000)
    quiz.get_by_role("button", name="Show answer", exact=True).click()
    quiz.get_by_role("button", name="Good", exact=True).click()
    page.keyboard.press("Control+s")
    expect(page.locator(".jp-mod-dirty")).to_have_count(0, timeout=20_000)
    assert (project / "notebooks" / "lab-reopen.ipynb").read_text() == built

    lab.shut_down_kernels()
    page.goto(url)
    expect(page.locator(".jp-Notebook")).to_be_visible(timeout=60_000)
    expect(page.locator(".ld-resting")).to_have_count(2, timeout=30_000)
    expect(page.get_by_text("model not found")).to_have_count(0)
    expect(page.get_by_text("Error displaying widget")).to_have_count(0)
    screenshot(page, "app-lab-reopened")
