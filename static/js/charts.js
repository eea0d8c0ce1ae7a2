// Draws every plotly figure whose JSON the server put in the page (json_script).
// Charts marked data-chart-lazy (the dashboard's many sparklines) are drawn when they come near the screen,
// so a long dashboard does not spend its first second drawing what nobody sees yet.
(function () {
  "use strict";
  function drawOne(element) {
    var source = document.getElementById(element.dataset.figureId);
    if (!source || !window.Plotly || element.dataset.drawn) { return; }
    element.dataset.drawn = "1";
    var figure = JSON.parse(source.textContent);
    window.Plotly.newPlot(element, figure.data, figure.layout, figure.config);
  }
  function draw() {
    var lazy = "IntersectionObserver" in window ? new IntersectionObserver(function (entries, observer) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) { observer.unobserve(entry.target); drawOne(entry.target); }
      });
    }, { rootMargin: "300px 0px" }) : null;
    document.querySelectorAll("[data-figure-id]").forEach(function (element) {
      if (lazy && element.hasAttribute("data-chart-lazy")) { lazy.observe(element); } else { drawOne(element); }
    });
    window.addEventListener("beforeprint", function () {
      document.querySelectorAll("[data-figure-id]").forEach(drawOne);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
