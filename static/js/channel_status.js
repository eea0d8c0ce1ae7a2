// Channel page: while a sync runs, poll the small status endpoint and reload when it is done.
(function () {
  "use strict";
  var section = document.getElementById("channel-status");
  if (!section) { return; }
  var url = section.dataset.statusUrl;
  var polls = 0;
  function poll() {
    polls += 1;
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        section.querySelector("[data-field=text]").textContent = data.text;
        if (data.state === "syncing" && polls < 150) {
          window.setTimeout(poll, 2000);
        } else if (data.state !== "syncing") {
          window.location.reload();
        }
      });
  }
  if (section.dataset.state === "syncing") { window.setTimeout(poll, 1000); }
})();
