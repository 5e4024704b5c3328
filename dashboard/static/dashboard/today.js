// The home page's chart: takings per hour today against the same weekday last week, in yuan.
(function () {
  "use strict";
  const source = document.getElementById("today-chart");
  const canvas = document.getElementById("takings-chart");
  if (!source || !canvas || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const names = JSON.parse(document.getElementById("today-chart-names").textContent);
  Chart.defaults.animation = false;
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: names.today, data: data.today, backgroundColor: "#3b82f6" },
        { label: names.last_week, data: data.last_week, backgroundColor: "#cbd5e1" },
      ],
    },
    options: {
      maintainAspectRatio: false,
      plugins: { legend: { position: "bottom" } },
      scales: { y: { beginAtZero: true } },
    },
  });
})();
