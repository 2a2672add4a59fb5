"""Wheels with their Python compiled to bytecode by Pyodide's own interpreter, at build time.

A browser kernel otherwise compiles every module it imports, and IPython, prompt_toolkit and jedi
are hundreds of modules: in WebAssembly that was most of the kernel's start. Each `.py` gets an
unchecked-hash `.pyc` beside it in `__pycache__/` (so the source still shows in tracebacks), made
by Pyodide's Python in Node.js (the host's Python is another version, whose bytecode Pyodide
cannot read). Compiled wheels are cached by their content, so only changed wheels are compiled.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import LeaderdeckError

# Runs in Node.js: Pyodide from argv[1], compiles each wheel in argv[2] into argv[3].
_NODE = r"""
import { pathToFileURL } from "node:url";
const [pyodideDir, source, target] = process.argv.slice(1);
const { loadPyodide } = await import(pathToFileURL(pyodideDir + "/pyodide.mjs").href);
const py = await loadPyodide({ indexURL: pyodideDir + "/" });
for (const [folder, at] of [[source, "/source"], [target, "/target"]]) {
  py.FS.mkdirTree(at);
  py.FS.mount(py.FS.filesystems.NODEFS, { root: folder }, at);
}
py.runPython(process.env.LEADERDECK_COMPILE);
"""

# Runs in Pyodide: every wheel in /source, compiled, into /target (tests are left as they are).
_PYTHON = r"""
import compileall, os, py_compile, re, shutil, zipfile, base64, hashlib
STAMP = (1980, 1, 1, 0, 0, 0)
for name in sorted(os.listdir("/source")):
    tree = "/tmp/wheel"
    shutil.rmtree(tree, ignore_errors=True)
    with zipfile.ZipFile(f"/source/{name}") as archive:
        archive.extractall(tree)
        original = archive.namelist()
    compileall.compile_dir(tree, quiet=2, rx=re.compile(r"/tests?/"),
                           invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
    added = sorted(os.path.relpath(os.path.join(d, f), tree) for d, _, files in os.walk(tree)
                   for f in files if f.endswith(".pyc"))
    record = next(path for path in original if path.endswith(".dist-info/RECORD"))
    lines = open(f"{tree}/{record}", encoding="utf-8").read().rstrip("\n").split("\n")
    for path in added:
        data = open(f"{tree}/{path}", "rb").read()
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        lines.insert(-1, f"{path},sha256={digest},{len(data)}")
    open(f"{tree}/{record}", "w", encoding="utf-8").write("\n".join(lines) + "\n")
    with zipfile.ZipFile(f"/target/{name}", "w", zipfile.ZIP_DEFLATED) as out:
        for path in sorted(set(original) | set(added)):
            if not path.endswith("/"):
                out.writestr(zipfile.ZipInfo(path, STAMP), open(f"{tree}/{path}", "rb").read(), zipfile.ZIP_DEFLATED)
"""


def compiled(pyodide: Path, wheels: list[Path], cache: Path) -> list[Path]:
    """`wheels`, each with its bytecode added (compiled once per content, kept under `cache`)."""
    keyed = {wheel: cache / _key(wheel) / wheel.name for wheel in wheels}
    todo = [wheel for wheel, done in keyed.items() if not done.is_file()]
    if todo:
        cache.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix="compiling-", dir=cache))
        try:
            _compile(pyodide, todo, work)
            for wheel in todo:
                keyed[wheel].parent.mkdir(parents=True, exist_ok=True)
                (work / "out" / wheel.name).replace(keyed[wheel])
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return [keyed[wheel] for wheel in wheels]


def _key(wheel: Path) -> str:
    return hashlib.sha256(wheel.read_bytes()).hexdigest()[:24]


def _compile(pyodide: Path, wheels: list[Path], work: Path) -> None:
    (work / "in").mkdir()
    (work / "out").mkdir()
    for wheel in wheels:
        shutil.copy2(wheel, work / "in" / wheel.name)
    node = shutil.which("node")
    if node is None:
        raise LeaderdeckError("the site build needs Node.js (`node`) to compile the kernel's wheels")
    done = subprocess.run([node, "--input-type=module", "-e", _NODE, str(pyodide), str(work / "in"),
                           str(work / "out")], capture_output=True, text=True,
                          env={"PATH": str(Path(node).parent), "LEADERDECK_COMPILE": _PYTHON})
    missing = [wheel.name for wheel in wheels if not (work / "out" / wheel.name).is_file()]
    if done.returncode or missing:
        raise LeaderdeckError(f"compiling the site's wheels failed:\n{(done.stderr or done.stdout).strip()[-2000:]}")
