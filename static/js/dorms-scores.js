// The dorm scores chart: the average score of each building over the rounds.
// The data comes from the page's JSON script element (no inline script: the CSP forbids it).
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("dorms-chart-data");
    var canvas = document.getElementById("dorms-chart");
    if (!source || !canvas || typeof Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var colours = ["#6c757d", "#0d6efd", "#fd7e14", "#198754", "#212529", "#dc3545", "#adb5bd"];
    new Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (series, index) {
          return { label: series.label, data: series.data, borderColor: colours[index % colours.length], spanGaps: true };
        }),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { beginAtZero: true, max: 100 } },
      },
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
