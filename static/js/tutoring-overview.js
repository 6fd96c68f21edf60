// The tutoring overview chart: confirmed sessions and hours per month.
// The data comes from the page's JSON script element (no inline script: the CSP forbids it).
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("tutoring-chart-data");
    var canvas = document.getElementById("tutoring-chart");
    if (!source || !canvas || typeof Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var colours = ["#6c757d", "#0d6efd", "#fd7e14", "#198754", "#212529", "#dc3545", "#adb5bd"];
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (series, index) {
          return { label: series.label, data: series.data, backgroundColor: colours[index % colours.length] };
        }),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { beginAtZero: true } },
      },
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
