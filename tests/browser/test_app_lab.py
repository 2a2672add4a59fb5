"""JupyterLab as `make lab` runs it: answer, save, stop the kernel, reopen: a readable note where
each quiz was, never "model not found", and the file on disk is exactly as built."""

from __future__ import annotations

import json
import secrets
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from leaderdeck.notebooks.lab import lab_options

from .conftest import BIN, free_port, screenshot, server_env, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]


@pytest.fixture(scope="module")
def make_lab(project) -> Iterator[tuple[str, str]]:
    port, token = free_port(), secrets.token_hex(16)
    command = [str(BIN / "jupyter"), "lab", *lab_options(), "--no-browser", "--allow-root",
               "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
               f"--ServerApp.root_dir={project}", f"--IdentityProvider.token={token}",
               "--LabApp.extension_manager=readonly"]
    base = f"http://127.0.0.1:{port}"
    with (project / "make-lab.log").open("w") as log:
        server = subprocess.Popen(command, cwd=project, env=server_env(project), stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_for(f"{base}/api/status?token={token}", server)
            yield base, token
            shut_down_kernels(base, token)
        finally:  # JupyterLab can take a while to stop on a busy machine: wait for it, always
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def shut_down_kernels(base: str, token: str) -> None:
    with urllib.request.urlopen(f"{base}/api/kernels?token={token}") as response:
        kernels = json.load(response)
    for kernel in kernels:
        request = urllib.request.Request(f"{base}/api/kernels/{kernel['id']}?token={token}", method="DELETE")
        urllib.request.urlopen(request).close()


def test_answer_save_stop_the_kernel_and_reopen(page, make_lab, project):
    base, token = make_lab
    built = (project / "notebooks" / "01-doors.ipynb").read_text()
    shutil.copy(project / "notebooks" / "01-doors.ipynb", project / "notebooks" / "lab-reopen.ipynb")
    url = f"{base}/lab/tree/notebooks/lab-reopen.ipynb?token={token}&reset"
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

    shut_down_kernels(base, token)
    page.goto(url)
    expect(page.locator(".jp-Notebook")).to_be_visible(timeout=60_000)
    expect(page.locator(".ld-resting")).to_have_count(2, timeout=30_000)
    expect(page.get_by_text("model not found")).to_have_count(0)
    expect(page.get_by_text("Error displaying widget")).to_have_count(0)
    screenshot(page, "app-lab-reopened")
