// The customers' analytics, drawn with Chart.js from the figures the server put in #crm-chart.
(function () {
  "use strict";
  const source = document.getElementById("crm-chart");
  if (!source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const colours = ["#3b82f6", "#16a34a", "#f59e0b", "#d9534f", "#8b5cf6", "#64748b", "#0ea5e9"];
  Chart.defaults.animation = false;
  const bars = (id, labels, counts, horizontal) =>
    new Chart(document.getElementById(id), {
      type: "bar",
      data: { labels, datasets: [{ data: counts, backgroundColor: colours }] },
      options: {
        indexAxis: horizontal ? "y" : "x",
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: { [horizontal ? "x" : "y"]: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  bars("tiers-chart", data.tiers.labels, data.tiers.counts, false);
  bars("segments-chart", data.segments.labels, data.segments.counts, true);
  new Chart(document.getElementById("months-chart"), {
    type: "bar",
    data: {
      labels: data.months.labels,
      datasets: [{ label: data.months.name, data: data.months.amount_yuan, backgroundColor: colours[0] }],
    },
    options: { maintainAspectRatio: false, scales: { y: { beginAtZero: true } } },
  });
  new Chart(document.getElementById("churn-chart"), {
    type: "line",
    data: {
      labels: data.churn.labels,
      datasets: [
        { label: data.churn.names.active, data: data.churn.active, borderColor: colours[0], tension: 0.2 },
        { label: data.churn.names.new, data: data.churn.new, borderColor: colours[1], tension: 0.2 },
      ],
    },
    options: { maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
})();
