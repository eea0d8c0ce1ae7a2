// "Copy" buttons: `data-copy="<id>"` copies that element's text; the button then says `data-copied`.
// A static file, not an inline script: the CSP forbids those.
(function () {
  "use strict";
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.hidden = !navigator.clipboard;
    button.addEventListener("click", function () {
      var text = document.getElementById(button.dataset.copy).textContent.trim();
      navigator.clipboard.writeText(text).then(function () {
        button.querySelector("[data-copy-label]").textContent = button.dataset.copied;
      });
    });
  });
})();
