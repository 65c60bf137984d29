/* The check-in scanner: the rear camera read continuously with BarcodeDetector (the browser's,
   or the barcode-detector ponyfill with its WebAssembly served by Rakor), each code POSTed to
   the scan endpoint, the answer shown as a large card with a beep and a vibration. Scans that
   cannot reach the server wait in the offline queue (scanner-queue.js) and go when the network
   returns; the server answers a repeated nonce as the same check-in. */
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
  const DEBOUNCE_MS = 3000;
  const RETRY_MS = 5000;
  const SCAN_EVERY_MS = 150;
  const recentCodes = new Map();
  let flushing = false;
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
    if (response.status >= 500) throw new Error("server " + response.status);
    return response.json();
  }

  /* --- Showing a result ---------------------------------------------------------------- */
  function card(result) {
    const tone =
      result.status === "ok" ? "text-bg-success"
        : result.status === "already_checked_in" ? "text-bg-warning"
          : result.status === "queued" ? "text-bg-secondary" : "text-bg-danger";
    const box = document.createElement("div");
    box.className = "card scanner-card " + tone;
    box.dataset.status = result.status;
    const body = document.createElement("div");
    body.className = "card-body";
    const title = document.createElement("div");
    title.className = "scanner-card-title";
    title.textContent = (labels[result.status] || labels.error) + (result.name ? " — " + result.name : "");
    body.appendChild(title);
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
    for (const text of lines) {
      const line = document.createElement("div");
      line.textContent = text;
      body.appendChild(line);
    }
    box.appendChild(body);
    resultBox.replaceChildren(box);
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
  async function handle(content) {
    content = (content || "").trim();
    if (!content) return;
    const now = Date.now();
    if (now - (recentCodes.get(content) || 0) < DEBOUNCE_MS) return;
    recentCodes.set(content, now);
    const item = {
      content: content,
      session: sessionSelect.value,
      nonce: newNonce(),
      scanned_at: new Date().toISOString(),
      meeting: config.meeting,
    };
    let result;
    try {
      result = await post(item);
    } catch (_error) {
      item.offline = true; // its answer was not seen at the door
      await queue.add(item);
      await showPending();
      card({ status: "queued", detail: labels.queued_detail });
      feedback("queued");
      return;
    }
    card(result);
    feedback(result.status);
    if (result.status === "ok") refreshRecent();
  }

  async function showPending() {
    const items = await queue.all(config.meeting);
    pendingBadge.hidden = items.length === 0;
    pendingBadge.textContent = labels.pending.replace("%(count)s", items.length);
    return items;
  }

  async function flush() {
    if (flushing) return;
    flushing = true;
    let uploaded = 0;
    try {
      for (const item of await queue.all(config.meeting)) {
        let result;
        try {
          result = await post(item);
        } catch (_error) {
          break; // still offline: try again later
        }
        if (result.status === "rate_limited") break;
        await queue.remove(item.nonce);
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
          for (const code of await reader.detect(video)) handle(code.rawValue);
        } catch (_error) { /* a frame that could not be read */ }
      }
      setTimeout(loop, SCAN_EVERY_MS);
    };
    loop();
  }

  document.getElementById("scanner-code-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = document.getElementById("scanner-code");
    recentCodes.delete(input.value.trim()); // typed on purpose: no debounce
    handle(input.value);
    input.value = "";
  });
  window.addEventListener("online", flush);
  setInterval(flush, RETRY_MS);
  showPending().then(flush);
  startCamera();
})();
