"""Real-browser fixtures: Debian's Chromium through Playwright, JupyterLab and Voila on 127.0.0.1.

Recipe: ../shared/design/browser-tests.md. Without Chromium every test here is skipped with the
reason printed. Servers run in a temporary folder with every Jupyter path pointed inside it.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from leaderdeck.course import load_course
from leaderdeck.notebooks import write_notebooks

CHROMIUM = Path("/usr/bin/chromium")
FIXTURE_LESSONS = Path(__file__).parent.parent / "notebooks" / "fixtures" / "lessons"
ARTIFACTS = Path(__file__).parent.parent.parent / "test-artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
HARMLESS = ("fonts.googleapis.com", "cdnjs.cloudflare.com", "cdn.jsdelivr.net", "unpkg.com")
BIN = Path(sys.executable).parent


def pytest_collection_modifyitems(items):
    if not CHROMIUM.exists():
        reason = f"browser tests need Chromium at {CHROMIUM} (apt-get install -y chromium)"
        print(f"\nskipping browser tests: {reason}", file=sys.stderr)
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def chromium(playwright_driver):
    browser = playwright_driver.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(chromium):
    """A page that may talk only to 127.0.0.1; anything else is aborted and must be harmless."""
    context = chromium.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    refused: list[str] = []

    def route(route):
        if route.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1")):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    yield page
    context.close()
    unexpected = [url for url in refused if not any(host in url for host in HARMLESS)]
    assert unexpected == [], f"the page tried to reach the internet: {unexpected}"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A copy of the fixture course with its notebooks built, plus isolated Jupyter folders."""
    root = tmp_path_factory.mktemp("browser")
    shutil.copytree(FIXTURE_LESSONS, root / "lessons")
    write_notebooks(load_course(root / "lessons"), root)
    settings = root / "jupyter" / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
    return root


def server_env(root: Path) -> dict[str, str]:
    jupyter = root / "jupyter"
    return {**os.environ, "JUPYTER_PLATFORM_DIRS": "1", "JUPYTER_CONFIG_DIR": str(jupyter / "config"),
            "JUPYTER_DATA_DIR": str(jupyter / "data"), "JUPYTER_RUNTIME_DIR": str(jupyter / "runtime"),
            "JUPYTERLAB_SETTINGS_DIR": str(jupyter / "settings"),
            "JUPYTERLAB_WORKSPACES_DIR": str(jupyter / "workspaces"), "IPYTHONDIR": str(jupyter / "ipython"),
            "LEADERDECK_HOME": str(root / "home")}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.25)
    raise TimeoutError(f"{url} did not answer within {seconds} s")


@contextmanager
def running(command: list[str], root: Path, ready_url: str) -> Iterator[None]:
    log = (root / f"server-{secrets.token_hex(3)}.log").open("w")
    process = subprocess.Popen(command, cwd=root, env=server_env(root), stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(ready_url, process)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="module")
def lab(project) -> Iterator[tuple[str, str]]:
    """JupyterLab on the project; yields its base URL and token."""
    port, token = free_port(), secrets.token_hex(16)
    command = [str(BIN / "jupyter"), "lab", "--no-browser", "--allow-root", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--ServerApp.root_dir={project}",
               f"--IdentityProvider.token={token}", "--LabApp.news_url=None",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
               "--LabApp.extension_manager=readonly"]
    base = f"http://127.0.0.1:{port}"
    with running(command, project, f"{base}/api/status?token={token}"):
        yield base, token


@pytest.fixture(scope="module")
def voila(project) -> Iterator[str]:
    """Voila on the built notebooks folder, started exactly as `leaderdeck serve` starts it."""
    from leaderdeck.notebooks.serve import voila_command

    port = free_port()
    command = voila_command(project / "notebooks", port, open_browser=False, theme="light")
    base = f"http://127.0.0.1:{port}"
    with running(command, project, f"{base}/voila/static/voila.js"):
        yield base


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def record_timing(name: str, seconds: float) -> None:
    """Browser timings for the benchmark table (benchmarks/bench_notebooks.py reads them)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "browser-timings.json"
    timings = json.loads(path.read_text()) if path.is_file() else {}
    timings[name] = seconds
    path.write_text(json.dumps(timings, indent=1, sort_keys=True))
