// Dashboard charts. Data comes from a <script type="application/json"> block (json_script), never
// from inline code, so the page works under a CSP without 'unsafe-inline'. Colours are Okabe–Ito,
// lines also differ by dash and point shape, so the chart reads without colour.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }
  ready(function () {
    var canvas = document.getElementById("db-trajectory");
    var source = document.getElementById("db-chart-data");
    if (!canvas || !source || typeof window.Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    if (!data.labels || !data.labels.length) {
      canvas.parentElement.hidden = true;
      return;
    }
    var blue = "#0072B2", vermillion = "#D55E00";
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: [
          {
            label: "Kế hoạch (%)", data: data.planned, borderColor: blue, backgroundColor: blue,
            borderDash: [6, 4], pointStyle: "rect", pointRadius: 2, borderWidth: 2, tension: 0,
          },
          {
            label: "Thực hiện (%)", data: data.actual, borderColor: vermillion, backgroundColor: vermillion,
            pointStyle: "circle", pointRadius: 3, borderWidth: 3, tension: 0, spanGaps: false,
          },
        ],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          y: { min: 0, max: 100, ticks: { callback: function (v) { return v + "%"; } } },
          x: { ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 8 } },
        },
        plugins: { legend: { position: "bottom" } },
      },
    });
    canvas.setAttribute("data-rendered", "true");
  });
})();
