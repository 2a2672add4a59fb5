// The site's service worker: every file of this build is kept in the browser's cache the first
// time it is fetched and served from there afterwards, so a reload or a later visit fetches
// nothing (static hosts cannot be told to send such cache headers). Each build has its own cache,
// named by the build's content hash; a rebuilt site installs a new worker, which drops the old
// caches. Everything else (JupyterLite's drive and input requests, files of other origins) goes
// on to JupyterLite's own worker, loaded below.
{
  const BUILD = "leaderdeck-__BUILD__";

  self.addEventListener("activate", (event) => {
    event.waitUntil(caches.keys().then((names) => Promise.all(
      names.filter((name) => name.startsWith("leaderdeck-") && name !== BUILD).map((name) => caches.delete(name)))));
  });

  const fromBuild = async (event) => {
    const cache = await caches.open(BUILD);
    const kept = await cache.match(event.request);
    if (kept) return kept;
    const response = await fetch(event.request);
    if (response.status === 200 && response.type === "basic") event.waitUntil(cache.put(event.request, response.clone()));
    return response;
  };

  self.addEventListener("fetch", (event) => {
    const url = new URL(event.request.url);
    if (event.request.method !== "GET" || url.origin !== location.origin || url.pathname.includes("/api/")) return;
    event.stopImmediatePropagation(); // JupyterLite's worker would fetch it again
    event.respondWith(fromBuild(event));
  });
}
importScripts("./__LITE__");
