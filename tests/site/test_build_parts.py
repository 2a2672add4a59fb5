"""The site build's parts that need no download and no browser: what the kernel preloads (so it
installs nothing when it starts), the service worker in front of JupyterLite's, and the lesson
view's extension and page."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from leaderdeck.errors import LeaderdeckError
from leaderdeck.site import build, snapshot, wheels

KERNEL_STATIC = build.LABEXTENSIONS / wheels.KERNEL_EXTENSION / "static"
needs_kernel = pytest.mark.skipif(not KERNEL_STATIC.is_dir(), reason="needs the `site` extra (its kernel)")
needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js to check the scripts")


def wheel(folder: Path, name: str, version: str = "1.0") -> Path:
    path = folder / f"{name.replace('-', '_')}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"{name.replace('-', '_')}/__init__.py", "")
    return path


def packages_the_kernel_installs_at_start() -> set[str]:
    """Read from the kernel's own code: what it installs (micropip, piplite) unless preloaded."""
    code = "\n".join(path.read_text(encoding="utf-8") for path in KERNEL_STATIC.glob("*.js"))
    listed = re.search(r'for\(let \w+ of(\[(?:"[\w-]+",?)+\]\))', code)
    assert listed, "the kernel's start no longer lists what it installs: read its initKernel again"
    return {"micropip", "piplite", *json.loads(listed.group(1)[:-1])}


@needs_kernel
def test_the_kernel_installs_nothing_when_it_starts(tmp_path: Path):
    pyodide = tmp_path / "pyodide"
    pyodide.mkdir()
    (pyodide / "pyodide-lock.json").write_text(json.dumps({"info": {"python": "3.14"}, "packages": {}}))
    names = [*(pin.split("==")[0] for pin in wheels.RUNTIME_WHEELS)]
    shipped = [*(wheel(tmp_path, name) for name in names), *wheels.kernel_wheels(build.LABEXTENSIONS)]
    preloaded = wheels.write_lock(pyodide, shipped)
    assert packages_the_kernel_installs_at_start() <= set(preloaded)
    lock = json.loads((pyodide / "pyodide-lock.json").read_text())["packages"]
    assert set(wheels.ON_DEMAND) <= set(lock) - set(preloaded)  # shipped, loaded when imported


def site_folder(folder: Path, page: str = "<html></html>") -> Path:
    (folder / "lab").mkdir(parents=True)
    (folder / build.SERVICE_WORKER).write_text("self.addEventListener('fetch', () => {});\n")
    (folder / "lab" / "index.html").write_text(page)
    return folder


def cache_name(site: Path) -> str:
    found = re.search(r'"leaderdeck-([0-9a-f]{16})"', (site / build.SERVICE_WORKER).read_text())
    assert found
    return found.group(1)


def test_the_service_worker_keeps_one_cache_per_build_and_loads_jupyterlites(tmp_path: Path):
    sites = [site_folder(tmp_path / name, page) for name, page in (("a", "<p>"), ("b", "<p>"), ("c", "<q>"))]
    for site in sites:
        build._write_service_worker(site)
    ours = (sites[0] / build.SERVICE_WORKER).read_text()
    # JupyterLite's worker follows ours in the one script: an imported script would be asked of the
    # server again at every page load, with the worker's own
    assert ours.rstrip().endswith("self.addEventListener('fetch', () => {});")
    assert "importScripts" not in ours and sorted(p.name for p in sites[0].iterdir()) == ["lab", build.SERVICE_WORKER]
    assert cache_name(sites[0]) == cache_name(sites[1]) != cache_name(sites[2])  # named by the build's content


@needs_node
def test_the_site_scripts_parse(tmp_path: Path):
    out = site_folder(tmp_path / "site")
    build._write_service_worker(out)
    build._write_lesson_view(tmp_path / "view")
    entry = json.loads((tmp_path / "view" / "package.json").read_text())["jupyterlab"]["_build"]["load"]
    for script in (out / build.SERVICE_WORKER, tmp_path / "view" / entry):
        done = subprocess.run(["node", "--check", str(script)], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr


LESSON_PAGE = """<html><head><title>Jupyter Notebook - Notebooks</title>
<meta name="Description" content="WASM powered Jupyter running in the browser.">
</head><body><div class="jupyterlite-loading-indicator-text">Loading JupyterLite...</div></body></html>"""


def test_the_lesson_page_has_the_courses_title_and_no_app_words(tmp_path: Path):
    page = tmp_path / "index.html"
    page.write_text(LESSON_PAGE)
    build._retitle_lesson_page(page, "Lead <well>")
    html = page.read_text()
    assert "<title>Lead &lt;well&gt;</title>" in html
    assert "Jupyter" not in html


def test_a_lesson_page_it_does_not_know_is_refused(tmp_path: Path):
    page = tmp_path / "index.html"
    page.write_text("<html><title>Something else</title></html>")
    with pytest.raises(LeaderdeckError, match="a JupyterLite this build does not know"):
        build._retitle_lesson_page(page, "Lead")


@pytest.mark.site
def test_the_shipped_wheels_carry_bytecode_for_pyodides_python(site: Path):
    pyodide = site / "static" / "pyodide"
    lock = json.loads((pyodide / "pyodide-lock.json").read_text())
    tag = "cpython-" + lock["info"]["python"].replace(".", "")[:3]  # e.g. cpython-314
    with zipfile.ZipFile(pyodide / lock["packages"]["ipython"]["file_name"]) as archive:
        names = set(archive.namelist())
        pyc = f"IPython/core/__pycache__/interactiveshell.{tag}.pyc"
        assert pyc in names and "IPython/core/interactiveshell.py" in names  # the source stays, for tracebacks
        flags = int.from_bytes(archive.read(pyc)[4:8], "little")
        assert flags == 0b01  # hash-based, unchecked: never compared with the source in the browser
        assert any(line.startswith(pyc + ",sha256=") for line in archive.read(
            next(n for n in names if n.endswith(".dist-info/RECORD"))).decode().splitlines())


# The site's worker in Node.js with stand-ins for the browser: which requests it answers itself.
ANSWERS = """
const listeners = {}; const answered = [];
globalThis.self = { addEventListener: (type, listener) => { (listeners[type] ||= []).push(listener); } };
globalThis.location = new URL("http://127.0.0.1:8000/service-worker.js");
globalThis.importScripts = () => {};
globalThis.fetch = async () => ({ status: 200, type: "basic", clone() { return this; } });
globalThis.caches = { open: async () => ({ match: async () => undefined, put: async () => {} }) };
require("vm").runInThisContext(require("fs").readFileSync(process.argv[1], "utf8"));
for (const [method, address] of JSON.parse(process.argv[2])) {
  const event = { request: { method, url: new URL(address, location).href },
                  respondWith: () => answered.push(address), stopImmediatePropagation: () => {},
                  waitUntil: () => {} };
  listeners.fetch.forEach((listener) => listener(event));
}
console.log(JSON.stringify(answered));
"""


@needs_node
def test_the_service_worker_leaves_jupyterlites_requests_and_webassembly_alone(tmp_path: Path):
    out = site_folder(tmp_path / "site")
    build._write_service_worker(out)
    asked = [["GET", "/lab/index.html?path=a.ipynb"], ["GET", "/static/pyodide/x.whl"],
             ["GET", "/static/pyodide/pyodide.asm.wasm"],  # the browser's cache keeps it compiled
             ["GET", "/api/contents/all.json"], ["GET", "/api/service-worker-heartbeat"],
             ["POST", "/api/drive.v1"], ["GET", "/api/stdin/kernel"], ["GET", "https://elsewhere.example/a.js"]]
    done = subprocess.run(["node", "-e", ANSWERS, str(out / build.SERVICE_WORKER), json.dumps(asked)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == ["/lab/index.html?path=a.ipynb", "/static/pyodide/x.whl",
                                       "/api/contents/all.json"]


# The site's worker in Node.js: what it keeps of two files fetched from the server.
KEEPS = """
const { gzipSync } = require("node:zlib");
const listeners = {}; const waited = []; const kept = [];
globalThis.self = { addEventListener: (type, listener) => { (listeners[type] ||= []).push(listener); } };
globalThis.location = new URL("http://127.0.0.1:8000/service-worker.js");
globalThis.fetch = async () =>
  Object.defineProperty(new Response(gzipSync("the snapshot")), "type", { value: "basic" });
globalThis.caches = { open: async () => ({ match: async () => undefined,
                                           put: async (request, response) => kept.push([request, response]) }) };
require("vm").runInThisContext(require("fs").readFileSync(process.argv[1], "utf8"));
(async () => {
  for (const path of ["/static/pyodide/leaderdeck-snapshot.bin.gz", "/static/pyodide/x.whl"]) {
    const event = { request: { method: "GET", url: new URL(path, location).href }, respondWith: () => {},
                    stopImmediatePropagation: () => {}, waitUntil: (promise) => waited.push(promise) };
    listeners.fetch.forEach((listener) => listener(event));
  }
  await new Promise((done) => setTimeout(done, 100));
  await Promise.all(waited);
  const out = [];
  for (const [request, response] of kept) {
    const bytes = Buffer.from(await response.arrayBuffer());
    out.push([new URL(request.url).pathname, response.headers.get("x-leaderdeck-gunzipped"),
              bytes.toString("latin1").startsWith("the") ? "plain" : "gzip"]);
  }
  console.log(JSON.stringify(out.sort()));
})();
"""


@needs_node
def test_the_service_worker_keeps_the_kernels_snapshot_decompressed(tmp_path: Path):
    out = site_folder(tmp_path / "site")
    build._write_service_worker(out)
    done = subprocess.run(["node", "-e", KEEPS, str(out / build.SERVICE_WORKER)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [["/static/pyodide/leaderdeck-snapshot.bin.gz", "1", "plain"],
                                       ["/static/pyodide/x.whl", None, "gzip"]]  # anything else as it came


def test_the_kernel_starts_pyodide_through_the_snapshot_loader(tmp_path: Path):
    config = tmp_path / "jupyter-lite.json"
    kernel = {"pyodideUrl": "./static/pyodide/pyodide.mjs", "disablePyPIFallback": True}
    config.write_text(json.dumps({"jupyter-config-data": {"litePluginSettings": {build.KERNEL_PLUGIN: kernel}}}))
    build._use_loader(config, snapshot.LOADER)
    settings = json.loads(config.read_text())["jupyter-config-data"]["litePluginSettings"][build.KERNEL_PLUGIN]
    assert settings == {**kernel, "pyodideUrl": f"./static/pyodide/{snapshot.LOADER}"}
    config.write_text(json.dumps({"jupyter-config-data": {"litePluginSettings": {build.KERNEL_PLUGIN: {}}}}))
    with pytest.raises(LeaderdeckError, match="a JupyterLite this build does not know"):
        build._use_loader(config, snapshot.LOADER)


# Runs in Node.js: the built site's loader, its snapshot fetched (argv[2]: as built, or "broken"),
# starts Pyodide as the kernel does and says what its Python had imported before running anything.
LOADS = r"""
import { pathToFileURL } from "node:url";
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
const [pyodideDir, how, packages] = process.argv.slice(1);
globalThis.fetch = async (url) => {
  const bytes = readFileSync(new URL(url));
  if (how === "kept") return new Response(gunzipSync(bytes), { headers: { "x-leaderdeck-gunzipped": "1" } });
  return new Response(how === "broken" ? bytes.subarray(0, 4096) : bytes);
};
const warned = [];
console.warn = (...args) => warned.push(String(args[0]));
const { loadPyodide } = await import(pathToFileURL(`${pyodideDir}/__LOADER__`).href);
const py = await loadPyodide({ indexURL: pyodideDir + "/", packages: JSON.parse(packages) });
const [before, draws, ready, packagesAt] = py.runPython(`
import sys, random
import micropip._compat
("IPython" in sys.modules, random.random(), "leaderdeck.quizzes" in sys.modules,
 micropip._compat.lockfile_base_url)
`).toJs();
py.runPython("import IPython, leaderdeck.site.browser, leaderdeck_course");
const loaded = ["leaderdeck", "msgspec"].filter((name) => name in py.loadedPackages);
process.stdout.write(JSON.stringify({ restored: before, draws, warned, ready, loaded,
                                      packagesAt: packagesAt === py.lockfileBaseUrl }));
"""


@pytest.mark.site
@needs_node
def test_pyodide_starts_from_the_snapshot_and_without_it_when_it_does_not_load(site: Path):
    pyodide = site / "static" / "pyodide"
    settings = json.loads((site / "jupyter-lite.json").read_text())["jupyter-config-data"]["litePluginSettings"]
    kernel = settings[build.KERNEL_PLUGIN]
    assert kernel["pyodideUrl"] == f"./static/pyodide/{snapshot.LOADER}"
    packages = json.dumps(kernel["loadPyodideOptions"]["packages"])
    script = LOADS.replace("__LOADER__", snapshot.LOADER)
    runs = {}
    for how in ("built", "built", "kept", "broken"):  # kept: as the site's service worker keeps it
        done = subprocess.run(["node", "--input-type=module", "-e", script, str(pyodide), how, packages],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-2000:]
        runs.setdefault(how, []).append(json.loads(done.stdout.strip().splitlines()[-1]))
    first, second = runs["built"]
    assert first["restored"] and not first["warned"]
    assert first["ready"]  # leaderdeck's quiz modules, imported as the kernel starts
    assert first["loaded"] == ["leaderdeck", "msgspec"]  # its files written back, msgspec unpacked
    assert first["packagesAt"]  # micropip, imported in the snapshot, finds this site's packages
    kept = runs["kept"][0]
    assert kept["restored"] and kept["ready"] and not kept["warned"]
    assert first["draws"] != second["draws"]  # the snapshot's random state is not every learner's
    broken = runs["broken"][0]
    assert not broken["restored"] and "starting Pyodide without its snapshot" in broken["warned"][0]


@pytest.mark.site
def test_the_snapshot_is_the_same_bytes_for_the_same_build(site: Path, tmp_path: Path):
    pyodide = tmp_path / "pyodide"
    shutil.copytree(site / "static" / "pyodide", pyodide)
    built = [(pyodide / name).read_bytes() for name in (snapshot.SNAPSHOT, snapshot.FILES, snapshot.LOADER)]
    packages = json.loads((site / "jupyter-lite.json").read_text())["jupyter-config-data"][
        "litePluginSettings"][build.KERNEL_PLUGIN]["loadPyodideOptions"]["packages"]
    snapshot.write(pyodide, packages)  # in another folder: the build's path is in none of them
    assert [(pyodide / name).read_bytes() for name in (snapshot.SNAPSHOT, snapshot.FILES, snapshot.LOADER)] == built


def test_the_images_a_lesson_shows_go_into_the_site(tmp_path: Path):
    """A lesson's image (`media/…` in the lessons folder) is in the contents beside the notebooks,
    where JupyterLite resolves the notebooks' `../lessons/…`; the course's flywheel was missing."""
    from leaderdeck.course import load_course

    lessons = tmp_path / "lessons"
    shutil.copytree(Path(__file__).resolve().parents[1] / "notebooks" / "fixtures" / "lessons", lessons)
    (lessons / "media").mkdir()
    (lessons / "media" / "door.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
    doors = lessons / "01-doors.yaml"
    sentence = "A **one-way door** cannot be undone."
    text = doors.read_text(encoding="utf-8")
    doors.write_text(text.replace(sentence, f"{sentence}\n\n      ![A door](media/door.svg)"), encoding="utf-8")
    build._write_notebooks(load_course(lessons), tmp_path / "files")
    assert '../lessons/media/door.svg' in (tmp_path / "files" / "01-doors.ipynb").read_text(encoding="utf-8")
    shipped = tmp_path / "files" / "lessons" / "media" / "door.svg"
    assert shipped.read_bytes() == (lessons / "media" / "door.svg").read_bytes()
