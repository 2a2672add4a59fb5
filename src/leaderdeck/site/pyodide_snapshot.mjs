// The kernel's Pyodide, started from the memory snapshot the site's build took after the kernel's
// slow imports (IPython, jedi, prompt_toolkit, the widgets), so a page load skips that work. Set
// as the kernel's `pyodideUrl`: the kernel calls `loadPyodide(options)` here as it would in
// Pyodide's own module. Without a snapshot, or with one this Pyodide cannot restore (another
// build, a failed fetch, an error while restoring), Pyodide starts as usual.
import { loadPyodide as startPyodide } from "./pyodide.mjs";
import createPyodideModule from "./pyodide.asm.mjs";

const SNAPSHOT = new URL("./__SNAPSHOT__", import.meta.url);

async function snapshotBytes() {
  const response = await fetch(SNAPSHOT);
  if (!response.ok) throw new Error(`${SNAPSHOT}: ${response.status}`);
  const bytes = response.body.pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(bytes).arrayBuffer());
}

// Pyodide's WebAssembly memory starts smaller than the snapshot's: grow it before restoring.
function grownTo(snapshot) {
  const header = new Uint32Array(snapshot.buffer, snapshot.byteOffset, 4)[1];
  return async (settings) => {
    const module = await createPyodideModule(settings);
    module._emscripten_resize_heap(snapshot.length - header);
    return module;
  };
}

export async function loadPyodide(options = {}) {
  try {
    const snapshot = await snapshotBytes();
    const pyodide = await startPyodide({ ...options, _loadSnapshot: snapshot,
                                         createPyodideModule: grownTo(snapshot) });
    // Every learner restores the same memory: draw a fresh seed, as a new interpreter would.
    pyodide.runPython("import random; random.seed()");
    return pyodide;
  } catch (error) {
    console.warn("leaderdeck: starting Pyodide without its snapshot:", error);
    return startPyodide(options);
  }
}
