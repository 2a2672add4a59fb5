"""Real-browser fixtures: Debian's Chromium through Playwright, JupyterLab and Voila on 127.0.0.1.

Recipe: ../shared/design/browser-tests.md. Without Chromium every test here is skipped with the
reason printed. One JupyterLab (started with `make lab`'s options) and one Voila app (started as
`leaderdeck serve` starts it) serve the whole session, each from a temporary folder with every
Jupyter path pointed inside it. Each test module gets its own course folder under the JupyterLab
root, with an empty progress store and no kernels left from the module before.

Pages may reach 127.0.0.1 only: Chromium resolves no other host, and every request elsewhere is
recorded and fails the test. Requests are watched, never intercepted: routing them through the test
process would make each one a round trip to Python and switch the browser's cache off, which no
learner's browser does (it more than doubled the time to a Voila page's first quiz).
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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from leaderdeck.course import load_course
from leaderdeck.notebooks import write_notebooks

CHROMIUM = Path("/usr/bin/chromium")
FIXTURE_LESSONS = Path(__file__).parent.parent / "notebooks" / "fixtures" / "lessons"
ARTIFACTS = Path(__file__).parent.parent.parent / "test-artifacts"
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
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


@contextmanager
def local_page(chromium, *, strict: bool, width: int = 1280, height: int = 1000):
    """A page whose every request outside 127.0.0.1 fails the test (`strict`), or all but those
    known to be harmless (JupyterLab asks a few CDNs for fonts; the page renders without them)."""
    context = chromium.new_context(viewport={"width": width, "height": height})
    outside: list[str] = []
    context.on("request", lambda request: None if request.url.startswith(LOCAL) else outside.append(request.url))
    try:
        yield context.new_page()
    finally:
        context.close()
    unexpected = outside if strict else [url for url in outside if not any(host in url for host in HARMLESS)]
    assert unexpected == [], f"the page tried to reach the internet: {unexpected}"


@pytest.fixture
def page(chromium):
    with local_page(chromium, strict=False) as page:
        yield page


@pytest.fixture
def strict_page(chromium):
    """For the app: nothing at all from the internet, harmless or not."""
    with local_page(chromium, strict=True, height=900) as page:
        yield page


@pytest.fixture(scope="session")
def browser_root(tmp_path_factory) -> Path:
    """The JupyterLab root, with isolated Jupyter folders and settings no learner would need to set:
    no news prompt, and no windowed notebooks (headless captures of those leave cells blank)."""
    root = tmp_path_factory.mktemp("browser")
    settings = root / "jupyter" / "settings" / "@jupyterlab"
    for folder, file, value in (("apputils-extension", "notification", {"fetchNews": "false"}),
                                ("notebook-extension", "tracker", {"windowingMode": "none"})):
        (settings / folder).mkdir(parents=True)
        (settings / folder / f"{file}.jupyterlab-settings").write_text(json.dumps(value))
    return root


def build_course(folder: Path, lessons: Path = FIXTURE_LESSONS, edit: Callable[[Path], None] | None = None) -> Path:
    """A copy of a fixture course in `folder`, with its notebooks built."""
    shutil.copytree(lessons, folder / "lessons")
    if edit:
        edit(folder / "lessons")
    write_notebooks(load_course(folder / "lessons"), folder)
    return folder


def server_env(root: Path, home: str) -> dict[str, str]:
    jupyter = root / "jupyter"
    return {**os.environ, "JUPYTER_PLATFORM_DIRS": "1", "JUPYTER_CONFIG_DIR": str(jupyter / "config"),
            "JUPYTER_DATA_DIR": str(jupyter / "data"), "JUPYTER_RUNTIME_DIR": str(jupyter / "runtime"),
            "JUPYTERLAB_SETTINGS_DIR": str(jupyter / "settings"),
            "JUPYTERLAB_WORKSPACES_DIR": str(jupyter / "workspaces"), "IPYTHONDIR": str(jupyter / "ipython"),
            "LEADERDECK_HOME": str(root / home)}


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
def running(command: list[str], root: Path, env: dict[str, str], ready_url: str, log: Path) -> Iterator[None]:
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            wait_for(ready_url, process)
            yield
        finally:  # JupyterLab can take a while to stop on a busy machine: wait for it, always
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@dataclass(frozen=True)
class Lab:
    base: str
    token: str
    root: Path
    home: Path  # its progress store's folder

    def url(self, path: Path) -> str:
        """The notebook at `path` in JupyterLab, with no tabs left from earlier tests (`reset`)."""
        return f"{self.base}/lab/tree/{path.relative_to(self.root).as_posix()}?token={self.token}&reset"

    def api(self, endpoint: str, method: str = "GET") -> object:
        request = urllib.request.Request(f"{self.base}/api/{endpoint}?token={self.token}", method=method)
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shut_down_kernels(self) -> None:
        for kernel in self.api("kernels"):  # type: ignore[union-attr]
            self.api(f"kernels/{kernel['id']}", "DELETE")


@pytest.fixture(scope="session")
def lab(browser_root) -> Iterator[Lab]:
    """JupyterLab as `make lab` runs it (`lab_options`: the pre-save hook among them)."""
    from leaderdeck.notebooks.lab import lab_options

    port, token = free_port(), secrets.token_hex(16)
    command = [str(BIN / "jupyter"), "lab", *lab_options(), "--no-browser", "--allow-root",
               "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
               f"--ServerApp.root_dir={browser_root}", f"--IdentityProvider.token={token}",
               "--LabApp.extension_manager=readonly"]
    server = Lab(f"http://127.0.0.1:{port}", token, browser_root, browser_root / "home-lab")
    env = server_env(browser_root, "home-lab")
    with running(command, browser_root, env, f"{server.base}/api/status?token={token}", browser_root / "lab.log"):
        yield server
        server.shut_down_kernels()


def fresh_course(lab: Lab, name: str, lessons: Path = FIXTURE_LESSONS,
                 edit: Callable[[Path], None] | None = None) -> Path:
    """A test module's course under the JupyterLab root; no kernel from an earlier module is left
    and the progress store is empty, so what one module answered never shows in another."""
    lab.shut_down_kernels()
    shutil.rmtree(lab.home, ignore_errors=True)
    return build_course(lab.root / name, lessons, edit)


@pytest.fixture(scope="module")
def project(lab, request) -> Path:
    """The fixture course, for this module alone."""
    return fresh_course(lab, request.module.__name__.rsplit(".", 1)[-1])


@dataclass(frozen=True)
class App:
    base: str
    log: Path
    course: Path


@pytest.fixture(scope="session")
def voila(tmp_path_factory) -> Iterator[App]:
    """Voila on the fixture course's built notebooks, started exactly as `leaderdeck serve` starts it."""
    from leaderdeck.notebooks.serve import voila_command

    root = tmp_path_factory.mktemp("app")
    course = build_course(root / "course")
    port = free_port()
    command = voila_command(course / "notebooks", port, open_browser=False, theme="light")
    app = App(f"http://127.0.0.1:{port}", root / "voila.log", course)
    with running(command, course, server_env(root, "home"), f"{app.base}/voila/static/voila.js", app.log):
        yield app


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
