{% autoescape off %}/* The check-in scanner's service worker (attendance/views/scanner_offline.py). It keeps the scanner
   page of each door it controls and the scanner's assets, so that the page opens while the
   network is gone. Online, the page always comes from the server (a revoked link or an ended
   sign-in is not answered from the copy); scans are never answered here: the page queues
   them (scanner-queue.js) and uploads them when the network returns. */
"use strict";
const CACHE = "rakor-scanner-{{ version }}";
const ASSETS = {{ assets }};
const PAGES = "rakor-scanner-pages";
const SCANNER_PAGE = /^\/(checkin\/[^/]+|meetings\/\d+\/checkin)\/$/;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((key) => key.startsWith("rakor-scanner-") && key !== CACHE && key !== PAGES)
          .map((key) => caches.delete(key)),
      ))
      .then(() => self.clients.claim()),
  );
});

function pageKey(url) {
  const parsed = new URL(url);
  return parsed.origin + parsed.pathname;
}

/* The page from the server, kept for later; the kept copy only when the server cannot be
   reached (or is down); a refusal (404, sign-in) forgets the copy. */
async function scannerPage(request) {
  const pages = await caches.open(PAGES);
  const key = pageKey(request.url);
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    return (await pages.match(key)) || Response.error();
  }
  if (response.status >= 500) return (await pages.match(key)) || response;
  if (response.ok && !response.redirected && response.type === "basic") {
    await pages.put(key, response.clone());
  } else {
    await pages.delete(key);
  }
  return response;
}

async function keepPage(url) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok || response.redirected) return false;
  const pages = await caches.open(PAGES);
  await pages.put(pageKey(url), response);
  return true;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    if (SCANNER_PAGE.test(url.pathname)) event.respondWith(scannerPage(request));
    return;
  }
  if (ASSETS.includes(url.pathname)) {
    event.respondWith(
      caches.open(CACHE).then((cache) => cache.match(url.pathname))
        .then((kept) => kept || fetch(request)),
    );
  }
});

/* The page asks to be kept the first time it is opened (before this worker controlled it). */
self.addEventListener("message", (event) => {
  if (!event.data || event.data.type !== "keep-page" || !event.ports[0]) return;
  const url = new URL(event.data.url, self.location.origin);
  if (url.origin !== self.location.origin || !SCANNER_PAGE.test(url.pathname)) return;
  event.waitUntil(
    keepPage(url.href)
      .catch(() => false)
      .then((kept) => event.ports[0].postMessage({ kept: kept })),
  );
});
{% endautoescape %}
