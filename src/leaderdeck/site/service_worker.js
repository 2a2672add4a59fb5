// The site's service worker: every file of this build is kept in the browser's cache the first
// time it is fetched and served from there afterwards, so a reload or a later visit fetches
// nothing (static hosts cannot be told to send such cache headers). Each build has its own cache,
// named by the build's content hash; a rebuilt site installs a new worker, which drops the old
// caches. Everything else (JupyterLite's drive and input requests, files of other origins) goes
// on to JupyterLite's own worker, whose script the build puts below this one (in one file: a
// worker that imported it would have the browser ask the server for it at every page load).
{
  const BUILD = "leaderdeck-__BUILD__";

  self.addEventListener("activate", (event) => {
    event.waitUntil(caches.keys().then((names) => Promise.all(
      names.filter((name) => name.startsWith("leaderdeck-") && name !== BUILD).map((name) => caches.delete(name)))));
  });

  // The kernel's snapshot and files (`*.bin.gz`) travel compressed and are kept decompressed, marked
  // so: a reload reads them as they are rather than decompressing some 90 MB again (the kernel's
  // loader, `pyodide_snapshot.mjs`, decompresses only what is not marked).
  const GUNZIPPED = "x-leaderdeck-gunzipped";
  const keepable = async (request, response) => {
    if (!new URL(request.url).pathname.endsWith(".bin.gz")) return response;
    const bytes = await new Response(response.body.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer();
    return new Response(bytes, { headers: { "content-type": "application/octet-stream", [GUNZIPPED]: "1" } });
  };
  const keep = async (cache, request, response) => cache.put(request, await keepable(request, response));

  const fromBuild = async (event) => {
    const cache = await caches.open(BUILD);
    const kept = await cache.match(event.request);
    if (kept) return kept;
    const response = await fetch(event.request);
    if (response.status === 200 && response.type === "basic") event.waitUntil(keep(cache, event.request, response.clone()));
    return response;
  };

  // JupyterLite's worker answers its drive and input requests (from the page) and its heartbeat.
  // WebAssembly is left to the browser's own cache too, which keeps it compiled between visits
  // (a response from a worker's cache is compiled again each time).
  const ours = (url) => url.origin === location.origin && !url.pathname.endsWith(".wasm") &&
    !/\/api\/(drive|stdin|service-worker-heartbeat)/.test(url.pathname);

  // A page fetched some files before this worker controlled it (on the first visit): the lesson
  // view's extension sends their addresses, and they are kept too.
  self.addEventListener("message", (event) => {
    if (!event.data || event.data.leaderdeck !== "keep") return;
    event.waitUntil(caches.open(BUILD).then((cache) => Promise.all(event.data.urls
      .filter((address) => ours(new URL(address)))
      .map((address) => cache.match(address).then((kept) => kept || fetch(address)
        .then((response) => response.ok && keep(cache, new Request(address), response)).catch(() => undefined))))));
  });

  self.addEventListener("fetch", (event) => {
    const url = new URL(event.request.url);
    if (event.request.method !== "GET" || !ours(url)) return;
    event.stopImmediatePropagation(); // JupyterLite's worker would fetch it again
    event.respondWith(fromBuild(event));
  });
}
// JupyterLite's worker:
__LITE__
