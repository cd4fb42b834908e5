// Site-wide behaviour, small on purpose. Pages work without it.
(function () {
  "use strict";
  // Disable a form's submit buttons once sent, so a double click sends it once.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.allowResubmit !== undefined) return;
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) {
        b.disabled = true;
      });
    }, 0);
  });
})();
