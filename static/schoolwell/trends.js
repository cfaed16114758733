// Draws each trends chart from the figure JSON the server rendered into the page (a
// <script type="application/json"> data block, which the CSP allows). Every figure and word
// comes from the server; the tables beside the charts hold the same figures without JS.
(function () {
  "use strict";
  function draw() {
    if (!window.Plotly) { return; }
    var charts = document.querySelectorAll("[data-figure]");
    Array.prototype.forEach.call(charts, function (el) {
      var block = document.getElementById(el.getAttribute("data-figure"));
      if (!block) { return; }
      var figure = JSON.parse(block.textContent);
      el.classList.add("drawn");
      window.Plotly.newPlot(el, figure.data, figure.layout, figure.config);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
