// Draws every plotly figure whose JSON the server put in the page (json_script).
(function () {
  "use strict";
  function draw() {
    document.querySelectorAll("[data-figure-id]").forEach(function (element) {
      var source = document.getElementById(element.dataset.figureId);
      if (!source || !window.Plotly) { return; }
      var figure = JSON.parse(source.textContent);
      window.Plotly.newPlot(element, figure.data, figure.layout, figure.config);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
