"""A memory snapshot of the kernel's Pyodide after its slow imports, taken at build time.

A page load otherwise spends seconds importing IPython, jedi, prompt_toolkit and the widgets in
WebAssembly. The build starts the site's Pyodide in Node.js with the kernel's pure-Python packages,
imports them and saves Pyodide's memory (`makeMemorySnapshot`, gzipped beside Pyodide); the
kernel's `pyodideUrl` is `pyodide_snapshot.mjs`, which restores it and falls back to a plain start
when it cannot. Packages with compiled code (msgspec, and so leaderdeck) are imported after the
restore: the code of a WebAssembly library loaded at run time is not in Pyodide's memory. The
JavaScript objects the imported modules keep (micropip and the kernel keep Pyodide's own
functions) are saved by name and looked up again in the restoring Pyodide.

Pyodide's file system is not in the snapshot, and unpacking the wheels again (Python's zipfile, in
WebAssembly) took longer than the restore. So the build also saves the files those packages put in
the file system (`FILES`: an index and every file's bytes, one after the other); the loader writes
them back as they are and marks their packages loaded, and the imported modules find their files
where they were. Only the packages left out of the snapshot (those with compiled code) are unpacked
as usual.
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
FILES = "leaderdeck-files.bin.gz"
# Imported before the snapshot, when their package is in the kernel's set.
IMPORTS = {"ipython": "IPython", "jedi": "jedi", "prompt-toolkit": "prompt_toolkit",
           "ipywidgets": "ipywidgets", "anywidget": "anywidget", "fsrs": "fsrs", "comm": "comm",
           "pygments": "pygments", "traitlets": "traitlets", "tzlocal": "tzlocal", "tzdata": "tzdata.zoneinfo",
           # what the kernel imports as it starts, in its order (micropip before piplite, then the kernel)
           "micropip": "micropip", "piplite": "piplite.piplite", "pyodide-kernel": "pyodide_kernel"}
# Imported once the snapshot is restored, before the kernel's first cell: what a lesson's first
# cells import that cannot be in the snapshot (msgspec's compiled code, so leaderdeck). Imported
# there, each costs a file check or two in the notebook's folder (JupyterLite's drive, a request
# to its service worker each); here, only Pyodide's own file system.
AFTER_RESTORE = ("leaderdeck.site.browser", "leaderdeck.quizzes", "leaderdeck.progress.api", "leaderdeck_course")
# Standard modules those import that are pure Python: in the snapshot.
STANDARD = ("importlib.resources", "zoneinfo")

# Runs in Node.js: Pyodide from $PYODIDE, the packages (JSON array) $PACKAGES, the snapshot into
# $OUT and the packages' files into $FILES (not in argv, which Pyodide's start copies into its memory).
_NODE = r"""
import { pathToFileURL } from "node:url";
import { writeFileSync } from "node:fs";
import nodeCrypto from "node:crypto";
const { PYODIDE: pyodideDir, PACKAGES: packages, OUT: out, FILES: filesOut } = process.env;
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
// Every folder and file in Pyodide's file system, sorted (/dev and /proc are not files).
const walk = (folder, found) => {
  for (const name of py.FS.readdir(folder).sort()) {
    if (name === "." || name === "..") continue;
    const path = folder === "/" ? `/${name}` : `${folder}/${name}`;
    if (path === "/dev" || path === "/proc") continue;
    const mode = py.FS.lstat(path).mode;
    if (py.FS.isDir(mode)) walk(path, found.set(path, null));
    else if (py.FS.isFile(mode)) found.set(path, py.FS.readFile(path));
    else throw new Error(`${path}: neither a file nor a folder`);
  }
  return found;
};
const before = walk("/", new Map());
for (const name of JSON.parse(packages)) await py.loadPackage(name, { messageCallback: () => {} });  // in order
// micropip keeps the address of Pyodide's packages as it is imported: not this build's folder,
// which the restoring page replaces with its own (`pyodide_snapshot.mjs`).
py._api.config.packageCacheDir = py._api.config.packageBaseUrl = "./";
await py.runPythonAsync(process.env.LEADERDECK_IMPORTS);
// Pyodide checks that its record of loaded packages is still empty; the restoring page marks
// them loaded again once their files are back, so empty it is.
for (const name of Object.keys(py.loadedPackages)) delete py.loadedPackages[name];
// A JavaScript object a module keeps is saved as its name in Pyodide's API (`pyodide_snapshot.mjs`
// looks it up in the restoring one); any other object cannot be kept.
const api = py._api;
const named = (object) => {
  for (const [where, root] of [["pyodide", api.public_api], ["api", api]]) {
    const name = Object.getOwnPropertyNames(root).find((key) => root[key] === object);
    if (name !== undefined) return { [where]: name };
  }
  throw new Error(`the snapshot cannot keep ${String(object).slice(0, 80)}`);
};
writeFileSync(out, py.makeMemorySnapshot({ serializer: named }));
// What loading the packages added to the file system: a little-endian u32 length, an index (JSON:
// new folders, then [path, size] of each new file) and the files' bytes in its order.
const added = [...walk("/", new Map())].filter(([path]) => !before.has(path));
const files = added.filter(([, data]) => data !== null);
const index = new TextEncoder().encode(JSON.stringify({
  folders: added.filter(([, data]) => data === null).map(([path]) => path),
  files: files.map(([path, data]) => [path, data.length]) }));
const length = new Uint8Array(4);
new DataView(length.buffer).setUint32(0, index.length, true);
writeFileSync(filesOut, Buffer.concat([length, index, ...files.map(([, data]) => data)]));
"""


def write(pyodide: Path, packages: list[str]) -> str:
    """Write the snapshot and its loader beside Pyodide (in `pyodide`, the staged
    `static/pyodide/`); return the loader's file name, the kernel's `pyodideUrl` there."""
    lock = json.loads((pyodide / "pyodide-lock.json").read_text())["packages"]
    pure = sorted(name for name in packages if lock[name]["file_name"].endswith("-none-any.whl"))
    imports = [*STANDARD, *(IMPORTS[name] for name in pure if name in IMPORTS)]
    node = shutil.which("node")
    if node is None:
        raise LeaderdeckError("the site build needs Node.js (`node`) to take the kernel's snapshot")
    raw, files = pyodide / "snapshot.bin", pyodide / "files.bin"
    done = subprocess.run([node, "--input-type=module", "-e", _NODE], capture_output=True, text=True,
                          env={"PATH": str(Path(node).parent), "PYODIDE": str(pyodide), "PACKAGES": json.dumps(pure),
                               "OUT": str(raw), "FILES": str(files),
                               "LEADERDECK_IMPORTS": "import " + ", ".join(imports)})
    if done.returncode or not raw.is_file() or not files.is_file():
        raise LeaderdeckError(f"taking the kernel's snapshot failed:\n{(done.stderr or done.stdout).strip()[-2000:]}")
    for made, name in ((raw, SNAPSHOT), (files, FILES)):
        (pyodide / name).write_bytes(gzip.compress(made.read_bytes(), compresslevel=6, mtime=0))
        made.unlink()
    loader = resources.files(__package__).joinpath("pyodide_snapshot.mjs").read_text(encoding="utf-8")
    words = {"__SNAPSHOT__": SNAPSHOT, "__FILES__": FILES, "__IN_FILES__": json.dumps(pure),
             "__AFTER_RESTORE__": json.dumps(list(AFTER_RESTORE) if "leaderdeck" in packages else [])}
    for word, value in words.items():
        loader = loader.replace(word, value)
    (pyodide / LOADER).write_text(loader, encoding="utf-8")
    return LOADER
