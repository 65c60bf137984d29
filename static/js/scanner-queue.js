/* The offline queue of the check-in scanner: scans the server could not be reached for,
   kept in IndexedDB (idb-keyval) under their nonce until they are uploaded. */
(function () {
  "use strict";
  const store = window.idbKeyval.createStore("rakor-scanner", "pending-scans");

  window.RakorScanQueue = {
    add(item) {
      return window.idbKeyval.set(item.nonce, item, store);
    },
    remove(nonce) {
      return window.idbKeyval.del(nonce, store);
    },
    async all(meeting) {
      const items = await window.idbKeyval.values(store);
      return items
        .filter((item) => item.meeting === meeting)
        .sort((a, b) => a.scanned_at.localeCompare(b.scanned_at));
    },
  };
})();
