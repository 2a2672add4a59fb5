"""A memory snapshot of the kernel's Pyodide after its slow imports, taken at build time.

A page load otherwise spends seconds importing IPython, jedi, prompt_toolkit and the widgets in
WebAssembly. The build starts the site's Pyodide in Node.js with the kernel's pure-Python packages,
imports them and saves Pyodide's memory (`makeMemorySnapshot`, gzipped beside Pyodide); the
kernel's `pyodideUrl` is `pyodide_snapshot.mjs`, which restores it and falls back to a plain start
when it cannot. Packages with compiled code (msgspec) and anything that keeps a JavaScript object
(micropip, the kernel itself) are imported after the restore, as before. Pyodide's file system is
not in the snapshot: the kernel's `packages` are unpacked again as usual, and the imported modules
find their files where they were.
"""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
from importlib import resources
from pathlib import Path

from ..errors import LeaderdeckError

LOADER = "leaderdeck-pyodide.mjs"
SNAPSHOT = "leaderdeck-snapshot.bin.gz"
# Imported before the snapshot, when their package is in the kernel's set.
IMPORTS = {"ipython": "IPython", "jedi": "jedi", "prompt-toolkit": "prompt_toolkit",
           "ipywidgets": "ipywidgets", "anywidget": "anywidget", "fsrs": "fsrs", "comm": "comm",
           "pygments": "pygments", "traitlets": "traitlets"}

# Runs in Node.js: Pyodide from $PYODIDE, the packages (JSON array) $PACKAGES, the snapshot into
# $OUT (not in argv, which Pyodide's start copies into its memory).
_NODE = r"""
import { pathToFileURL } from "node:url";
import { writeFileSync } from "node:fs";
import nodeCrypto from "node:crypto";
const { PYODIDE: pyodideDir, PACKAGES: packages, OUT: out } = process.env;
// The same bytes for the same build: no clock and no entropy reach the saved memory (the loader
// reseeds `random` in the browser).
let counter = 0;
nodeCrypto.randomFillSync = (array) => {  // Pyodide's entropy in Node.js
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (counter = (counter * 1103515245 + 12345) >>> 0) >>> 24;
  return array;
};
Date.now = () => 315532800000;  // 1980-01-01, as the wheels' timestamps
performance.now = () => 0;
const { loadPyodide } = await import(pathToFileURL(pyodideDir + "/pyodide.mjs").href);
const py = await loadPyodide({ indexURL: pyodideDir + "/", env: { HOME: "/home/pyodide", PYTHONHASHSEED: "0" },
                               _makeSnapshot: true });
for (const name of JSON.parse(packages)) await py.loadPackage(name, { messageCallback: () => {} });  // in order
await py.runPythonAsync(process.env.LEADERDECK_IMPORTS);
// Pyodide checks that its record of loaded packages is still empty; the restoring page loads
// them again (its file system is not in the snapshot), so empty it is.
for (const name of Object.keys(py.loadedPackages)) delete py.loadedPackages[name];
writeFileSync(out, py.makeMemorySnapshot());
"""


def write(pyodide: Path, packages: list[str]) -> str:
    """Write the snapshot and its loader beside Pyodide (in `pyodide`, the staged
    `static/pyodide/`); return the loader's file name, the kernel's `pyodideUrl` there."""
    lock = json.loads((pyodide / "pyodide-lock.json").read_text())["packages"]
    pure = sorted(name for name in packages if lock[name]["file_name"].endswith("-none-any.whl"))
    imports = [IMPORTS[name] for name in pure if name in IMPORTS]
    node = shutil.which("node")
    if node is None:
        raise LeaderdeckError("the site build needs Node.js (`node`) to take the kernel's snapshot")
    raw = pyodide / "snapshot.bin"
    done = subprocess.run([node, "--input-type=module", "-e", _NODE], capture_output=True, text=True,
                          env={"PATH": str(Path(node).parent), "PYODIDE": str(pyodide), "PACKAGES": json.dumps(pure),
                               "OUT": str(raw), "LEADERDECK_IMPORTS": "import " + ", ".join(imports)})
    if done.returncode or not raw.is_file():
        raise LeaderdeckError(f"taking the kernel's snapshot failed:\n{(done.stderr or done.stdout).strip()[-2000:]}")
    (pyodide / SNAPSHOT).write_bytes(gzip.compress(raw.read_bytes(), compresslevel=6, mtime=0))
    raw.unlink()
    loader = resources.files(__package__).joinpath("pyodide_snapshot.mjs").read_text(encoding="utf-8")
    (pyodide / LOADER).write_text(loader.replace("__SNAPSHOT__", SNAPSHOT), encoding="utf-8")
    return LOADER
