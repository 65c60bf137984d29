// The roster import: upload progress on the upload page, one confirmation on the preview.
// Without JavaScript both forms post as usual.

// Upload progress for big files: the bar follows the bytes sent, then says the rows are being
// checked until the server answers. Without JavaScript the form posts as usual.
(function () {
  function parts() {
    var form = document.getElementById("roster-form");
    var box = document.getElementById("roster-progress");
    return form && box && {form: form, box: box, bar: box.querySelector(".progress-bar"),
                           meter: box.querySelector(".progress"), text: box.querySelector("p")};
  }
  function isRosterForm(event) { return event.detail.elt && event.detail.elt.id === "roster-form"; }

  document.body.addEventListener("htmx:beforeRequest", function (event) {
    if (!isRosterForm(event)) return;
    var p = parts(), file = p.form.querySelector("input[type=file]").files[0];
    var tooBig = document.getElementById("roster-too-big");
    if (file && file.size > Number(p.form.dataset.maxBytes)) {
      event.preventDefault();
      tooBig.hidden = false;
      return;
    }
    tooBig.hidden = true;
    delete p.form.dataset.uploaded;
    p.box.hidden = false;
    p.form.querySelector("button[type=submit]").disabled = true;
  });
  document.body.addEventListener("htmx:xhr:progress", function (event) {
    // htmx reports the download of the answer with the same event: only the upload counts.
    var p = isRosterForm(event) && event.detail.lengthComputable && parts();
    if (!p || p.form.dataset.uploaded) return;
    var percent = Math.round(100 * event.detail.loaded / event.detail.total);
    p.bar.style.width = percent + "%";
    p.meter.setAttribute("aria-valuenow", percent);
    if (percent >= 100) {
      p.form.dataset.uploaded = "yes";
      p.bar.classList.add("progress-bar-striped", "progress-bar-animated");
      p.text.textContent = p.text.dataset.checking;
    } else {
      p.text.textContent = p.text.dataset.uploading + " " + percent + "%";
    }
  });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var p = isRosterForm(event) && parts();
    if (p) { p.box.hidden = true; p.form.querySelector("button[type=submit]").disabled = false; }
  });
  // A refused file (400, 413) still brings its message: show it instead of dropping it.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    if (isRosterForm(event) && [400, 413].indexOf(event.detail.xhr.status) !== -1) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();

// The preview: one confirmation only, and a sign of life while thousands of rows are written.
(function () {
  var form = document.getElementById("confirm-form");
  if (!form) return;
  form.addEventListener("submit", function (event) {
    event.target.querySelector("button[type=submit]").disabled = true;
    document.getElementById("confirm-progress").hidden = false;
  });
})();
