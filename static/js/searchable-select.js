// A long list made searchable (tom-select): type "Makassar" or "Berlin" instead of scrolling
// through 400 time zones. Without JavaScript the plain select still works.
(function () {
  "use strict";
  document.querySelectorAll("select[data-searchable]").forEach(function (select) {
    new TomSelect(select, {
      create: false,
      maxOptions: null,
      searchField: ["text", "value"],
      // The list's own groups (Indonesia first) stay in their order.
      lockOptgroupOrder: true,
    });
  });
})();
