// Every chart of the portal's pages: a <canvas data-chart="ID"> drawn from the JSON script
// element ID ({"labels": [...], "series": [{"label": ..., "data": [...]}, ...]}), so no page
// needs an inline script (the CSP forbids it). data-chart-type="line" draws lines (bars
// otherwise), data-chart-stacked stacks the bars, data-chart-max caps the scale.
(function () {
  "use strict";
  var colours = ["#6c757d", "#0d6efd", "#fd7e14", "#198754", "#212529", "#dc3545", "#adb5bd"];

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var line = canvas.dataset.chartType === "line";
    var stacked = "chartStacked" in canvas.dataset;
    var y = { beginAtZero: true, stacked: stacked };
    if (stacked) {
      y.ticks = { precision: 0 };
    }
    if (canvas.dataset.chartMax) {
      y.max = Number(canvas.dataset.chartMax);
    }
    new Chart(canvas, {
      type: line ? "line" : "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (series, index) {
          var colour = colours[index % colours.length];
          return line
            ? { label: series.label, data: series.data, borderColor: colour, spanGaps: true }
            : { label: series.label, data: series.data, backgroundColor: colour };
        }),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { x: { stacked: stacked }, y: y },
      },
    });
  }

  function drawAll() {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
