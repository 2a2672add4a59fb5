// The kernel's Pyodide, started from the memory snapshot the site's build took after the kernel's
// slow imports (IPython, jedi, prompt_toolkit, the widgets), so a page load skips that work. Set
// as the kernel's `pyodideUrl`: the kernel calls `loadPyodide(options)` here as it would in
// Pyodide's own module. The files of the packages in the snapshot are written back from the file
// the build saved beside it, rather than unpacked from their wheels again; the other packages load
// as usual. Without a snapshot, or with one this Pyodide cannot restore (another build, a failed
// fetch, an error while restoring), Pyodide starts as usual.
import { loadPyodide as startPyodide } from "./pyodide.mjs";
import createPyodideModule from "./pyodide.asm.mjs";

const SNAPSHOT = new URL("./__SNAPSHOT__", import.meta.url);
const FILES = new URL("./__FILES__", import.meta.url);
const IN_FILES = __IN_FILES__; // the packages whose files FILES holds

// Python's side of the restore: new files seen, a fresh seed drawn (every learner restores the
// same memory), the current folder once in the path (Pyodide's start puts it there again),
// micropip told where this site's packages are (the snapshot's says "./"), and the modules a
// lesson's first cells import that could not be in the snapshot (`snapshot.AFTER_RESTORE`).
const AFTER_RESTORE = `
import importlib, random, sys
importlib.invalidate_caches()
random.seed()
while sys.path.count("") > 1:
    sys.path.remove("")
for name in ${JSON.stringify(__AFTER_RESTORE__)}:
    try:
        importlib.import_module(name)
    except Exception:
        pass  # a cell importing it says why
if "micropip._compat" in sys.modules:
    import pyodide_js
    from micropip import _compat
    from micropip._compat import _compat_in_pyodide
    _compat.lockfile_base_url = _compat.compatibility_layer.lockfile_base_url = pyodide_js.lockfileBaseUrl
    _compat_in_pyodide.lockfileBaseUrl = pyodide_js.lockfileBaseUrl
`;

// The site's service worker keeps them decompressed, and says so.
async function gunzipped(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  if (response.headers.get("x-leaderdeck-gunzipped")) return new Uint8Array(await response.arrayBuffer());
  const bytes = response.body.pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(bytes).arrayBuffer());
}

// Pyodide's WebAssembly memory starts smaller than the snapshot's: grow it before restoring.
function grownTo(snapshotBytes, started) {
  return async (settings) => {
    const [module, snapshot] = await Promise.all([createPyodideModule(settings), snapshotBytes]);
    const header = new Uint32Array(snapshot.buffer, snapshot.byteOffset, 4)[1];
    module._emscripten_resize_heap(snapshot.length - header);
    started.module = module;
    return module;
  };
}

// The JavaScript objects the snapshot's modules keep, saved by their name in Pyodide's API (see
// `snapshot.py`), are this Pyodide's.
function lookUp(started) {
  return (kept) => {
    const api = started.module.API;
    const object = "pyodide" in kept ? api.public_api[kept.pyodide] : api[kept.api];
    if (object === undefined) throw new Error(`no ${JSON.stringify(kept)} in this Pyodide`);
    return object;
  };
}

// FILES: a little-endian u32 length, an index (JSON: folders, then [path, size] of each file) and
// the files' bytes in its order. Each file keeps its slice of the one buffer (no copy).
function writeFiles(FS, files) {
  const length = new DataView(files.buffer, files.byteOffset, 4).getUint32(0, true);
  const index = JSON.parse(new TextDecoder().decode(files.subarray(4, 4 + length)));
  for (const folder of index.folders) FS.mkdirTree(folder);
  let at = 4 + length;
  for (const [path, size] of index.files) {
    FS.writeFile(path, files.subarray(at, at + size), { canOwn: true });
    at += size;
  }
  if (at !== files.length) throw new Error(`${FILES}: ${files.length - at} bytes after its last file`);
}

export async function loadPyodide(options = {}) {
  try {
    // Both files are fetched while Pyodide's own are, and its WebAssembly compiled.
    const snapshot = gunzipped(SNAPSHOT);
    const files = gunzipped(FILES);
    files.catch(() => {}); // awaited below, unless the start fails first
    const started = {};
    const pyodide = await startPyodide({ ...options, packages: [], _loadSnapshot: snapshot,
                                         createPyodideModule: grownTo(snapshot, started),
                                         _snapshotDeserializer: lookUp(started) });
    writeFiles(pyodide.FS, await files);
    for (const name of IN_FILES) pyodide.loadedPackages[name] = "default channel"; // as loadPackage marks them
    const rest = (options.packages || []).filter((name) => !IN_FILES.includes(name));
    if (rest.length) await pyodide.loadPackage(rest, { messageCallback: () => {} });
    pyodide.runPython(AFTER_RESTORE);
    return pyodide;
  } catch (error) {
    console.warn("leaderdeck: starting Pyodide without its snapshot:", error);
    return startPyodide(options);
  }
}
