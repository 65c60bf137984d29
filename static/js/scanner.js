/* The check-in scanner: the rear camera read continuously with BarcodeDetector (the browser's,
   or the barcode-detector ponyfill with its WebAssembly served by Rakor), each code POSTed to
   the scan endpoint, the answer shown as a large card with a beep and a vibration. A ticket
   held in front of the camera is scanned once: its code is ignored, and its first answer kept
   on screen, until it has been out of sight for HOLD_MS. Scans that cannot reach the server
   wait in the offline queue (scanner-queue.js) and go when the network returns; each one's
   answer is then listed on this desk; the server answers a repeated nonce as the same
   check-in. A service worker (attendance/views/scanner_offline.py) keeps this page and its
   assets, so that it opens again without a network.

   Only a network failure or a server error (5xx, 408, 429) is "saved offline, will be sent".
   An answer saying this desk may not scan any more (its link revoked: 404/410, or 429 at a
   link desk; its sign-in ended: 401/403 or a redirect to the sign-in page), to a scan or to
   the poll of the latest check-ins, stops the desk: a card says why, the
   automatic retries stop, and the scans not sent stay in the queue, sent once the scanner is
   opened again with a new link or after signing in again. */
(function () {
  "use strict";
  const root = document.getElementById("scanner");
  const config = JSON.parse(document.getElementById("scanner-config").textContent);
  const labels = config.labels;
  const video = document.getElementById("scanner-video");
  const statusLine = document.getElementById("scanner-status");
  const resultBox = document.getElementById("scanner-result");
  const pendingBadge = document.getElementById("scanner-pending");
  const sessionSelect = document.getElementById("scanner-session");
  const queue = window.RakorScanQueue;
  const uploadsBox = document.getElementById("scanner-uploads");
  const uploadsList = document.getElementById("scanner-uploads-list");
  const HOLD_MS = 4000;
  const RETRY_MS = 5000;
  const SCAN_EVERY_MS = 150;
  const UPLOADS_SHOWN = 30;
  const sightings = new Map(); // code -> { last: time it was last seen, busy: being sent }
  let flushing = false;
  let stopped = ""; // why this desk may not scan any more ("link_gone", "signed_out"), or ""
  let audio = null;

  function newNonce() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : root.dataset.csrf;
  }

  /* The server refused this desk (not this scan): retrying will not help. */
  class DeskRefused extends Error {
    constructor(reason) {
      super(reason);
      this.reason = reason;
    }
  }

  function toSignIn(response) {
    return response.redirected && new URL(response.url).pathname === config.signInPath;
  }

  /* The scan's answer; throws DeskRefused when this desk may not scan any more, any other
     error when the server could not be reached or could not answer (the scan waits). */
  async function post(item) {
    const response = await fetch(config.scanUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({
        content: item.content,
        session: item.session,
        nonce: item.nonce,
        scanned_at: item.scanned_at,
        offline: item.offline === true,
      }),
    });
    const status = response.status;
    if (linkGone(status)) throw new DeskRefused("link_gone");
    if (status >= 500 || status === 408 || status === 429) throw new Error("server " + status);
    if (status === 401 || status === 403 || toSignIn(response)) {
      throw new DeskRefused(config.door === "link" ? "refused" : "signed_out");
    }
    if (!(response.headers.get("Content-Type") || "").startsWith("application/json")) {
      throw new Error("not an answer of Rakor's"); // a captive portal, a proxy's page
    }
    return response.json();
  }

  /* Whether an answer says this desk's link is gone: 404/410, or, at a link desk, 429: past
     the venue address's limit of wrong links (core/links.py), which a right link never meets,
     the revoked link is answered 429 instead of 404. */
  function linkGone(status) {
    return status === 404 || status === 410 || (status === 429 && config.door === "link");
  }

  function tone(status) {
    return status === "ok" ? "text-bg-success"
      : status === "already_checked_in" ? "text-bg-warning"
        : status === "queued" ? "text-bg-secondary" : "text-bg-danger";
  }

  function title(result) {
    return (labels[result.status] || labels.error) + (result.name ? " — " + result.name : "");
  }

  /* --- Showing a result ---------------------------------------------------------------- */
  function details(result) {
    const lines = [];
    if (result.agency || result.position) {
      lines.push([result.agency, result.position].filter(Boolean).join(" · "));
    }
    if (result.session) lines.push(result.session);
    if (result.status === "already_checked_in") {
      lines.push(labels.at + " " + result.checked_in_at +
        (result.checked_in_by ? " " + labels.by + " " + result.checked_in_by : ""));
    } else if (result.detail) {
      lines.push(result.detail);
    }
    return lines;
  }

  function card(result) {
    const box = document.createElement("div");
    box.className = "card scanner-card " + tone(result.status);
    box.dataset.status = result.status;
    const body = document.createElement("div");
    body.className = "card-body";
    const heading = document.createElement("div");
    heading.className = "scanner-card-title";
    heading.textContent = title(result);
    body.appendChild(heading);
    for (const text of details(result)) {
      const line = document.createElement("div");
      line.textContent = text;
      body.appendChild(line);
    }
    if (result.action_url) {
      const action = document.createElement("a");
      action.className = "btn btn-light btn-lg mt-2";
      action.href = result.action_url;
      action.textContent = result.action;
      body.appendChild(action);
    }
    if (result.sign_url) {
      /* At a desk with an account: the attendee signs the daftar hadir on this screen. */
      const sign = document.createElement("a");
      sign.className = "btn btn-light btn-lg mt-2";
      sign.href = result.sign_url;
      sign.textContent = labels.sign;
      body.appendChild(sign);
    }
    box.appendChild(body);
    resultBox.replaceChildren(box);
    resultBox.dataset.heldReads = "0";
  }

  /* An uploaded scan's answer, on the desk that made it: newest first. */
  function showUploaded(item, result) {
    const entry = document.createElement("li");
    entry.className = "list-group-item scanner-upload " + tone(result.status);
    entry.dataset.status = result.status;
    const heading = document.createElement("div");
    heading.className = "fw-semibold";
    heading.textContent = title(result);
    entry.appendChild(heading);
    const when = new Date(item.scanned_at);
    const lines = [labels.scanned_at + " " + when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })];
    for (const text of [...lines, ...details(result)]) {
      const line = document.createElement("div");
      line.className = "small";
      line.textContent = text;
      entry.appendChild(line);
    }
    uploadsList.prepend(entry);
    while (uploadsList.children.length > UPLOADS_SHOWN) uploadsList.lastElementChild.remove();
    uploadsBox.hidden = false;
  }

  function feedback(status) {
    const good = status === "ok";
    const warn = status === "already_checked_in" || status === "queued";
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.frequency.value = good ? 880 : warn ? 560 : 220;
      oscillator.type = good ? "sine" : "square";
      gain.gain.value = 0.15;
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start();
      oscillator.stop(audio.currentTime + (good ? 0.15 : 0.4));
    } catch (_error) { /* no sound on this device */ }
    if (navigator.vibrate) navigator.vibrate(good ? 100 : warn ? [80, 60, 80] : [300, 100, 300]);
  }

  function refreshRecent() {
    if (window.htmx) window.htmx.trigger(document.body, "checkin-changed");
  }

  /* --- Scanning and the offline queue -------------------------------------------------- */
  /* A code from the camera: sent once, then ignored while it stays in sight. */
  function seen(content) {
    const now = Date.now();
    const sighting = sightings.get(content);
    const held = sighting && (sighting.busy || now - sighting.last < HOLD_MS);
    if (held) {
      sighting.last = now;
      resultBox.dataset.heldReads = String(Number(resultBox.dataset.heldReads || 0) + 1);
      return;
    }
    handle(content);
  }

  async function handle(content) {
    content = (content || "").trim();
    if (!content) return;
    const sighting = { last: Date.now(), busy: true };
    sightings.set(content, sighting);
    try {
      await send(content);
    } finally {
      sighting.busy = false;
      sighting.last = Date.now();
    }
  }

  async function send(content) {
    const item = {
      content: content,
      session: sessionSelect.value,
      nonce: newNonce(),
      scanned_at: new Date().toISOString(),
      meeting: config.meeting,
    };
    if (stopped && stopped !== "signed_out") {
      // A revoked or refused link is refused again, and counted as a wrong link of the
      // venue's address: the scan waits for a new link, and the operator is told why.
      item.offline = true;
      await queue.add(item);
      await showPending();
      showStopped();
      return;
    }
    let result;
    try {
      result = await post(item);
    } catch (error) {
      item.offline = true; // its answer was not seen at the door
      await queue.add(item);
      await showPending();
      if (error instanceof DeskRefused) {
        stop(error.reason);
        return;
      }
      if (stopped) {
        showStopped(); // nothing is sent while stopped: no promise of sending it later
        return;
      }
      card({ status: "queued", detail: labels.queued_detail });
      feedback("queued");
      return;
    }
    card(result);
    feedback(result.status);
    if (result.status === "ok") refreshRecent();
    if (stopped === "signed_out") {
      resume(); // signed in again (in another tab): the scan was answered; send what waits
    }
  }

  /* This desk may not scan any more: say why and what to do, keep the scans not sent, and
     stop retrying them, and polling (each request would be refused again, and counted as a
     wrong link of the venue's address). */
  function stop(reason) {
    stopped = reason;
    root.dataset.stopped = reason;
    showStopped();
  }

  /* Why this desk stopped and what to do, on its card, with the beep of an error. */
  function showStopped() {
    const result = { status: stopped, detail: labels[stopped + "_detail"] };
    if (stopped === "signed_out") {
      result.action = labels.sign_in;
      result.action_url = config.signInPath + "?" + new URLSearchParams({ next: location.pathname + location.search });
    }
    card(result);
    feedback("error");
  }

  function resume() {
    stopped = "";
    delete root.dataset.stopped;
    flush();
  }

  async function showPending() {
    const items = await queue.all(config.meeting);
    pendingBadge.hidden = items.length === 0;
    pendingBadge.textContent = labels.pending.replace("%(count)s", items.length);
    return items;
  }

  async function flush() {
    if (flushing || stopped) return;
    flushing = true;
    let uploaded = 0;
    try {
      for (const item of await queue.all(config.meeting)) {
        let result;
        try {
          result = await post(item);
        } catch (error) {
          if (error instanceof DeskRefused) stop(error.reason);
          break; // still offline: try again later; refused: not before the page is opened again
        }
        if (result.status === "rate_limited") break;
        await queue.remove(item.nonce);
        showUploaded(item, result);
        uploaded += 1;
      }
    } finally {
      flushing = false;
      await showPending();
      if (uploaded) refreshRecent();
    }
  }

  async function detector() {
    if ("BarcodeDetector" in window) {
      try {
        const formats = await window.BarcodeDetector.getSupportedFormats();
        if (formats.includes("qr_code")) return new window.BarcodeDetector({ formats: ["qr_code"] });
      } catch (_error) { /* fall through to the ponyfill */ }
    }
    const api = window.BarcodeDetectionAPI;
    api.prepareZXingModule({
      overrides: {
        locateFile: (path, prefix) => (path.endsWith(".wasm") ? config.wasmUrl : prefix + path),
      },
    });
    return new api.BarcodeDetector({ formats: ["qr_code"] });
  }

  async function startCamera() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      statusLine.textContent = labels.camera_error;
      return;
    }
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: { ideal: "environment" } },
        audio: false,
      });
    } catch (_error) {
      statusLine.textContent = labels.camera_error;
      return;
    }
    video.srcObject = stream;
    await video.play().catch(() => {});
    const reader = await detector();
    statusLine.dataset.ready = "true";
    const loop = async () => {
      if (video.readyState >= 2) {
        try {
          for (const code of await reader.detect(video)) seen((code.rawValue || "").trim());
        } catch (_error) { /* a frame that could not be read */ }
      }
      setTimeout(loop, SCAN_EVERY_MS);
    };
    loop();
  }

  document.getElementById("scanner-code-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = document.getElementById("scanner-code");
    handle(input.value); // typed on purpose: sent even if just seen
    input.value = "";
  });
  sessionSelect.addEventListener("change", () => sessionSelect.form.submit());

  /* Installable and offline: the service worker keeps this page and the assets. */
  async function keepOffline() {
    if (!("serviceWorker" in navigator) || !config.serviceWorker) return;
    try {
      await navigator.serviceWorker.register(config.serviceWorker, { scope: config.scope });
      const registration = await navigator.serviceWorker.ready;
      const channel = new MessageChannel();
      const kept = new Promise((resolve) => { channel.port1.onmessage = (event) => resolve(event.data); });
      registration.active.postMessage({ type: "keep-page", url: location.href }, [channel.port2]);
      if ((await kept).kept) document.documentElement.dataset.offlineReady = "true";
    } catch (_error) { /* the page still works online */ }
  }
  /* A stopped desk asks nothing more of the server (the latest check-ins every 15 s, the
     search, a check-in by hand, an undo): each would be refused again. What the operator asks
     for (anything but the poll) is answered with why the desk stopped, its card brought into
     view from wherever the operator pressed. */
  document.body.addEventListener("htmx:beforeRequest", (event) => {
    if (!stopped) return;
    event.preventDefault();
    if (event.detail.elt.id === "scanner-recent") return;
    showStopped();
    resultBox.scrollIntoView({ block: "nearest" });
  });
  /* The latest check-ins, asked every 15 s, find a revoked link before the next scan does.
     Only that poll's own GET stops the desk: an Undo of a check-in another desk undid first is
     a 404 too, of that check-in, not of the desk's link. So an operator's search, check-in by
     hand or Undo answered 404 asks the poll at once, and if the link is gone the card saying
     so is brought into view. */
  let operatorRefused = false;
  document.body.addEventListener("htmx:responseError", (event) => {
    if (stopped || !linkGone(event.detail.xhr.status)) return;
    const poll = event.detail.elt.id === "scanner-recent" && event.detail.requestConfig.verb === "get";
    if (!poll) {
      operatorRefused = true;
      refreshRecent();
      return;
    }
    stop("link_gone");
    if (operatorRefused) resultBox.scrollIntoView({ block: "nearest" });
  });
  window.addEventListener("online", () => flush());
  setInterval(() => flush(), RETRY_MS);
  showPending().then(() => flush());
  startCamera();
  keepOffline();
})();
