// Small behaviours of every page, declared with data attributes: the Content-Security-Policy
// allows no inline script and no on…= handler.
(function () {
  "use strict";

  // <form data-confirm="Withdraw …?">: asks before posting. htmx forms use hx-confirm.
  document.addEventListener("submit", function (event) {
    var question = event.target.dataset && event.target.dataset.confirm;
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // <input readonly data-select-on-focus>: a link to copy is selected whole.
  function selectAll(event) {
    if (event.target.matches && event.target.matches("input[data-select-on-focus]")) {
      event.target.select();
    }
  }
  document.addEventListener("focusin", selectAll);
  document.addEventListener("click", selectAll);

  // <select data-autosubmit>: choosing an option submits its form.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.matches && select.matches("select[data-autosubmit]") && select.form) {
      select.form.requestSubmit ? select.form.requestSubmit() : select.form.submit();
    }
  });

  // <button data-fullscreen>: the page fills the screen (the venue's check-in code).
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-fullscreen]");
    var page = document.documentElement;
    if (button && page.requestFullscreen) page.requestFullscreen();
  });

  // <a data-open-url="…">: after an online check-in, the page goes on to the meeting's link.
  var opening = document.querySelector("a[data-open-url]");
  if (opening && /^https?:/.test(opening.getAttribute("data-open-url"))) {
    window.setTimeout(function () {
      window.location.assign(opening.getAttribute("data-open-url"));
    }, 800);
  }

  // A table wider than the screen scrolls sideways: keyboard users can scroll it too.
  function focusableScrollers(root) {
    var boxes = Array.prototype.slice.call(root.querySelectorAll(".table-responsive"));
    if (root.matches && root.matches(".table-responsive")) boxes.push(root);
    boxes.forEach(function (box) {
      if (box.scrollWidth > box.clientWidth) box.tabIndex = 0;
    });
  }
  if (window.htmx) {
    window.htmx.onLoad(focusableScrollers);  // the page, then whatever htmx swaps in
  } else {
    focusableScrollers(document);
  }
})();
