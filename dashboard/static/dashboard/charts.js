// A campaign's charts, drawn with Chart.js from the figures the server put in #campaign-chart.
(function () {
  "use strict";
  const source = document.getElementById("campaign-chart");
  if (!source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const red = "#d9534f", blue = "#3b82f6", green = "#16a34a";
  Chart.defaults.animation = false; // phones, and screenshots that show the final state

  new Chart(document.getElementById("funnel-chart"), {
    type: "bar",
    data: {
      labels: data.funnel.labels,
      datasets: [{ data: data.funnel.counts, backgroundColor: [blue, red, green] }],
    },
    options: {
      indexAxis: "y",
      maintainAspectRatio: false,
      plugins: { legend: { display: false } },
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  });

  new Chart(document.getElementById("daily-chart"), {
    type: "line",
    data: {
      labels: data.daily.labels,
      datasets: [
        { label: data.daily.names.issued, data: data.daily.issued, borderColor: blue, tension: 0.2 },
        { label: data.daily.names.redeemed, data: data.daily.redeemed, borderColor: green, tension: 0.2 },
      ],
    },
    options: {
      maintainAspectRatio: false,
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
})();
