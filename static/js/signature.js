// Signature pads (tanda tangan): every [data-signature-pad] block holds a canvas, a hidden
// input named "signature" and a clear button. The drawing is put into the input as a PNG data
// URL when its form is submitted; an untouched pad sends nothing. Touch, pen and mouse.
(function () {
  "use strict";

  function setUp(block) {
    var canvas = block.querySelector("canvas");
    var input = block.querySelector("input[name=signature]");
    var clear = block.querySelector("[data-signature-clear]");
    var required = block.hasAttribute("data-signature-required");
    var message = block.querySelector("[data-signature-message]");
    var pad = new window.SignaturePad(canvas, {
      minWidth: 0.8,
      maxWidth: 2.6,
      penColor: "#000",
      backgroundColor: "rgba(0,0,0,0)",
    });

    function resize() {
      // Draw at the screen's pixel density so the stroke is sharp; keep what was drawn.
      var ratio = Math.max(window.devicePixelRatio || 1, 1);
      var data = pad.toData();
      canvas.width = canvas.offsetWidth * ratio;
      canvas.height = canvas.offsetHeight * ratio;
      canvas.getContext("2d").scale(ratio, ratio);
      pad.clear();
      pad.fromData(data);
    }
    window.addEventListener("resize", resize);
    resize();

    if (clear) {
      clear.addEventListener("click", function () {
        pad.clear();
        input.value = "";
      });
    }
    var form = block.closest("form");
    if (form) {
      form.addEventListener("submit", function (event) {
        if (pad.isEmpty()) {
          input.value = "";
          if (required) {
            event.preventDefault();
            if (message) message.hidden = false;
          }
          return;
        }
        input.value = pad.toDataURL("image/png");
      });
    }
    block.signaturePad = pad;
  }

  document.querySelectorAll("[data-signature-pad]").forEach(setUp);
})();
