// The staff overview's chart: participants per branch, stacked by stage (data from json_script).
document.addEventListener("DOMContentLoaded", () => {
  const canvas = document.getElementById("stage-chart");
  const source = document.getElementById("stage-chart-data");
  if (!canvas || !source || typeof Chart === "undefined") {
    return;
  }
  const data = JSON.parse(source.textContent);
  const colours = ["#b22222", "#d9822b", "#2b7bd9", "#2e9d5b"];
  data.datasets.forEach((dataset, index) => {
    dataset.backgroundColor = colours[index % colours.length];
  });
  new Chart(canvas, {
    type: "bar",
    data,
    options: {
      responsive: true,
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
});
