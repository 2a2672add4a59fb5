"""`leaderdeck site`: the course as a static JupyterLite site (Pyodide kernel) in one folder.

Stages a JupyterLite source folder (notebooks, Pyodide with every wheel the kernel preloads,
compiled to bytecode, the compiled course, the lesson view's extension) under the cache, then runs
`jupyter lite build` into `out` and puts the site's service worker in front of JupyterLite's. Pyodide
and the wheels are downloaded once into the cache (`build/site-cache/`); later builds are offline.

The site has two views of the same notebooks and the same progress: `lab/` (JupyterLab, code
shown) and `notebooks/`, the lesson view (`lesson_view.js`: text and quizzes only, as
`leaderdeck serve` shows them).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from html import escape, unescape
from importlib import resources
from pathlib import Path

from .. import __version__
from ..errors import LeaderdeckError
from ..model import Course
from ..notebooks.compile import START_PAGE
from . import bytecode, course_file, deck_file, snapshot, wheels

COURSE_PACKAGE = "leaderdeck_course"
KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"
LABEXTENSIONS = Path(sys.prefix) / "share" / "jupyter" / "labextensions"
# The kernel's labextension comes from the environment (jupyterlite-pyodide-kernel, pinned in the
# `site` extra); the widgets' from their pinned wheels (`wheels.FRONT_ENDS`). No other goes in.
EXTENSIONS = ("@jupyterlite/pyodide-kernel-extension",)
LESSON_VIEW = "leaderdeck-lesson-view"
LAB_PAGE = "lab/index.html"
LESSON_PAGE = "notebooks/index.html"
SERVICE_WORKER = "service-worker.js"
SETUP_CELL = ("import leaderdeck\n"
              "from leaderdeck.site import browser\n"
              "await browser.start()  # your progress is kept in this browser")
PANEL_CELL = "browser.progress_panel()  # keep, download or merge your progress"


@dataclass(frozen=True)
class SiteReport:
    out: Path
    files: int
    bytes: int

    def __str__(self) -> str:
        start = f"?path={START_PAGE}"
        return (f"wrote {self.out}: {self.files} files, {self.bytes / 1e6:.1f} MB (serve it with any static host)\n"
                f"  notebooks, code shown:  {LAB_PAGE}{start}\n"
                f"  lessons, without code:  {LESSON_PAGE}{start}")


def build_site(course: Course, out: Path, cache: Path) -> SiteReport:
    """Write the site for `course` into `out` (replaced), using and filling `cache`."""
    out, cache = out.resolve(), cache.resolve()  # `jupyter lite build` runs in the stage folder
    cache.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix="lite-", dir=cache))  # builds sharing a cache do not collide
    try:
        return _build(course, out, cache, stage)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _build(course: Course, out: Path, cache: Path, stage: Path) -> SiteReport:
    pyodide = stage / "static" / "pyodide"
    shutil.copytree(wheels.pyodide_dir(cache), pyodide)
    ours = [_leaderdeck_wheel(stage / "dist"), _course_wheel(course, stage / "dist")]
    runtime = wheels.runtime_wheels(cache)
    kernel = wheels.kernel_wheels(LABEXTENSIONS)
    shipped = bytecode.compiled(pyodide, [*runtime, *kernel, *ours], cache / "compiled")
    packages = wheels.write_lock(pyodide, shipped)
    loader = snapshot.write(pyodide, packages)
    _write_notebooks(course, stage / "files")
    _write_lesson_view(stage / LESSON_VIEW)
    _write_config(stage, out, packages, wheels.front_end_wheels(runtime))
    shutil.rmtree(out, ignore_errors=True)
    done = subprocess.run([sys.executable, "-m", "jupyterlite_core", "build", "--lite-dir", str(stage)],
                          capture_output=True, text=True, cwd=stage)
    if done.returncode:
        raise LeaderdeckError(f"jupyter lite build failed:\n{(done.stdout + done.stderr).strip()[-3000:]}")
    _retitle_lesson_page(out / LESSON_PAGE, course.info.title)
    if (stage / "files" / "lessons").is_dir():  # a page loads an image as written before JupyterLite resolves it
        shutil.copytree(stage / "files" / "lessons", out / "lessons")
    if not (out / "favicon.ico").exists():  # browsers ask the site's root for one, whatever a page links
        shutil.copyfile(out / "lab" / "favicon.ico", out / "favicon.ico")
    _use_loader(out / "jupyter-lite.json", loader)
    _write_service_worker(out)
    sizes = [p.stat().st_size for p in out.rglob("*") if p.is_file()]
    return SiteReport(out, len(sizes), sum(sizes))


def _write_lesson_view(folder: Path) -> None:
    """The lesson view as a prebuilt JupyterLab extension (its script named by its content)."""
    script = resources.files(__package__).joinpath("lesson_view.js").read_bytes()
    entry = f"static/remoteEntry.{hashlib.sha256(script).hexdigest()[:16]}.js"
    (folder / "static").mkdir(parents=True)
    (folder / entry).write_bytes(script)
    _write_json(folder / "package.json", {"name": LESSON_VIEW, "version": __version__, "private": True,
                                          "jupyterlab": {"_build": {"load": entry, "extension": "./extension"}}})


def _use_loader(config: Path, loader: str) -> None:
    """The kernel starts Pyodide through `loader` (`snapshot.LOADER`), which the Pyodide addon of
    `jupyter lite build` would otherwise set back to Pyodide's own module."""
    lite = json.loads(config.read_text(encoding="utf-8"))
    kernel = lite["jupyter-config-data"]["litePluginSettings"][KERNEL_PLUGIN]
    if not kernel.get("pyodideUrl", "").endswith("/pyodide.mjs"):
        raise LeaderdeckError(f"{config}: no pyodideUrl to replace (a JupyterLite this build does not know?)")
    kernel["pyodideUrl"] = kernel["pyodideUrl"].removesuffix("pyodide.mjs") + loader
    _write_json(config, lite)


def _retitle_lesson_page(page: Path, title: str) -> None:
    """The lesson page's own title and loading words are the course's, not the app's."""
    html = page.read_text(encoding="utf-8")
    words = {"<title>Jupyter Notebook - Notebooks</title>": f"<title>{escape(title)}</title>",
             "Loading JupyterLite...": "Loading the lesson…",
             "WASM powered Jupyter running in the browser.": escape(title, quote=True)}
    for old, new in words.items():
        if old not in html:
            raise LeaderdeckError(f"{page}: no {old!r} to replace (a JupyterLite this build does not know?)")
        html = html.replace(old, new)
    page.write_text(html, encoding="utf-8")


def _write_service_worker(out: Path) -> None:
    """Ours (a cache per build, `service_worker.js`) in front of JupyterLite's, in the same file."""
    lite = (out / SERVICE_WORKER).read_text(encoding="utf-8")
    digest = hashlib.sha256()
    for path in sorted(p for p in out.rglob("*") if p.is_file() and p.name != SERVICE_WORKER):
        digest.update(path.relative_to(out).as_posix().encode() + b"\0" + path.read_bytes())
    script = resources.files(__package__).joinpath("service_worker.js").read_text(encoding="utf-8")
    script = script.replace("__BUILD__", digest.hexdigest()[:16]).replace("__LITE__", lite.strip())
    (out / SERVICE_WORKER).write_text(script, encoding="utf-8")


def _write_config(stage: Path, out: Path, packages: list[str], front_ends: list[Path]) -> None:
    env_extensions = LABEXTENSIONS
    missing = [name for name in EXTENSIONS if not (env_extensions / name / "package.json").is_file()]
    if missing:
        raise LeaderdeckError(f"missing JupyterLab extensions {', '.join(missing)}: install leaderdeck[site]")
    build_config = {"LiteBuildConfig": {
        "output_dir": str(out), "contents": ["files"], "apps": ["lab", "notebooks", "tree"],
        "ignore_sys_prefix": ["federated_extensions"], "no_sourcemaps": True,
        "federated_extensions": [*(str(env_extensions / name) for name in EXTENSIONS),
                                 *(str(wheel.resolve()) for wheel in front_ends),
                                 str(stage / LESSON_VIEW)]}}
    kernel = {"disablePyPIFallback": True, "loadPyodideOptions": {"packages": packages}}
    lite = {"jupyter-lite-schema-version": 0, "jupyter-config-data": {
        "appName": "leaderdeck", "litePluginSettings": {KERNEL_PLUGIN: kernel},
        "defaultKernelName": "python"}}
    _write_json(stage / "jupyter_lite_config.json", build_config)
    _write_json(stage / "jupyter-lite.json", lite)


def _write_notebooks(course: Course, folder: Path) -> None:
    """The course's notebooks, whose setup cell starts the browser runtime, for the Pyodide kernel."""
    from ..notebooks.compile import course_notebooks

    folder.mkdir(parents=True)
    for name, text in course_notebooks(course).items():
        book = json.loads(text)
        cells = book["cells"]
        first_code = next((i for i, cell in enumerate(cells) if cell["cell_type"] == "code"), len(cells))
        cells.insert(first_code, _code_cell("site-setup", SETUP_CELL))
        at = next((i for i, cell in enumerate(cells) if cell.get("id") == "dashboard"), None)
        if at is not None:
            cells.insert(at + 1, _code_cell("site-progress", PANEL_CELL))
        book["metadata"]["kernelspec"] = {"name": "python", "display_name": "Python (Pyodide)",
                                          "language": "python"}
        _write_json(folder / name, book)
    _copy_media(course, folder)


# An image of a lesson, as the notebooks name it (`cells.lesson_markdown`: `../lessons/<path>`).
_MEDIA_SRC = re.compile(r'src=\\?"\.\./lessons/([^"\\]+)\\?"')


def _copy_media(course: Course, folder: Path) -> None:
    """The images the notebooks show, where they name them: `../lessons/<path>` from a notebook at
    the contents' root is `lessons/<path>` in the contents, from which JupyterLite shows it (the
    build also puts a copy at the site's `lessons/`, where a page first looks for it). Validation
    already keeps every such path inside the lessons folder; checked again here."""
    root = course.lessons_dir.resolve()
    for notebook in sorted(folder.glob("*.ipynb")):
        for reference in sorted(set(_MEDIA_SRC.findall(notebook.read_text(encoding="utf-8")))):
            source = (root / unescape(reference)).resolve()
            if not source.is_relative_to(root) or not source.is_file():
                raise LeaderdeckError(f"{notebook.name}: image '{reference}' is not a file in {root.name}/")
            target = folder / "lessons" / source.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)


def _code_cell(cell_id: str, source: str) -> dict[str, object]:
    return {"cell_type": "code", "id": cell_id, "metadata": {}, "source": source, "outputs": [],
            "execution_count": None}


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def _course_wheel(course: Course, dist: Path) -> Path:
    from .prerender import rendered_table

    data = course_file.encode(course, rendered_table(course))
    deck = deck_file.encode(course, int(time.time()))  # `now` stamps only notes the lock does not know yet
    version = f"{__version__}+{hashlib.sha256(data + deck).hexdigest()[:12]}"
    return _write_wheel(dist, COURSE_PACKAGE, version, {
        f"{COURSE_PACKAGE}/__init__.py": b'"""The compiled course of a leaderdeck site."""\n',
        f"{COURSE_PACKAGE}/course.msgpack": data,
        f"{COURSE_PACKAGE}/{deck_file.FILE_NAME}": deck})


def _leaderdeck_wheel(dist: Path) -> Path:
    """leaderdeck's own package as a pure-Python wheel (its runtime needs only the pinned set)."""
    root = Path(__file__).resolve().parents[1]
    files = {f"leaderdeck/{p.relative_to(root).as_posix()}": p.read_bytes() for p in sorted(root.rglob("*"))
             if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}
    return _write_wheel(dist, "leaderdeck", __version__, files)


def _write_wheel(dist: Path, name: str, version: str, files: dict[str, bytes]) -> Path:
    """A minimal, deterministic py3-none-any wheel (fixed timestamps, sorted entries)."""
    dist.mkdir(parents=True, exist_ok=True)
    info = f"{name}-{version}.dist-info"
    files = dict(files)
    files[f"{info}/METADATA"] = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode()
    files[f"{info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: leaderdeck\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = [f"{path},sha256={_digest(data)},{len(data)}" for path, data in sorted(files.items())]
    files[f"{info}/RECORD"] = ("\n".join([*record, f"{info}/RECORD,,"]) + "\n").encode()
    wheel = dist / f"{name}-{version}-py3-none-any.whl"
    for old in dist.glob(f"{name}-*.whl"):
        old.unlink()
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in sorted(files.items()):
            archive.writestr(zipfile.ZipInfo(path, (1980, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return wheel


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
