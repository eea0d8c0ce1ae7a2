// Polls the status URL of a running CSV import and moves the progress bar; reloads when done.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) { return; }
  var bar = box.querySelector(".progress-bar");
  var wrapper = box.querySelector(".progress");
  var phase = document.getElementById("import-phase");
  var url = box.dataset.statusUrl;

  function show(percent) {
    bar.style.width = percent + "%";
    bar.textContent = percent + "%";
    wrapper.setAttribute("aria-valuenow", String(percent));
  }

  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (status) {
        show(status.percent);
        phase.textContent = status.phase;
        if (status.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  show(Number(bar.dataset.percent || 0));
  poll();
})();
