// A long list made searchable (tom-select): type "Makassar" or "Berlin" instead of scrolling
// through 400 time zones. Without JavaScript the plain select still works.
(function () {
  "use strict";
  document.querySelectorAll("select[data-searchable]").forEach(function (select) {
    // tom-select moves the label to its own input: the hidden select keeps the label's words.
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    if (label && !select.hasAttribute("aria-label")) {
      select.setAttribute("aria-label", label.textContent.replace(/\s*\*\s*$/, "").trim());
    }
    new TomSelect(select, {
      create: false,
      maxOptions: null,
      searchField: ["text", "value"],
      // The list's own groups (Indonesia first) stay in their order.
      lockOptgroupOrder: true,
    });
  });
})();
