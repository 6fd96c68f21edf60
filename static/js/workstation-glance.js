// The charts of the branch view and the staff dashboard. The data comes from the page's JSON
// script element (no inline script: the CSP forbids it); a click on a bar opens its list.
(function () {
  "use strict";
  var colours = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#dc3545", "#20c997", "#6c757d"];
  function draw() {
    var source = document.getElementById("glance-charts");
    if (!source || typeof Chart === "undefined") {
      return;
    }
    JSON.parse(source.textContent).forEach(function (chart) {
      var canvas = document.getElementById(chart.id);
      if (!canvas) {
        return;
      }
      new Chart(canvas, {
        type: chart.kind,
        data: {
          labels: chart.labels,
          datasets: [
            {
              label: chart.label,
              data: chart.values,
              backgroundColor: chart.labels.map(function (_label, index) {
                return colours[index % colours.length];
              }),
            },
          ],
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          plugins: { legend: { display: chart.kind !== "bar" } },
          scales: chart.kind === "bar" ? { y: { beginAtZero: true, ticks: { precision: 0 } } } : {},
          onClick: function (_event, elements) {
            if (elements.length && chart.urls[elements[0].index]) {
              window.location.href = chart.urls[elements[0].index];
            }
          },
        },
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
