// Flash deals. The composer: the radius drawn as a circle around the chosen shop (slider and
// number field kept in step), only the chosen target's fields shown; the server counts the
// audience (htmx, #deal-audience). A deal's page: its delivery chart (Chart.js).
(function () {
  "use strict";
  const form = document.getElementById("deal-form");
  if (form) {
    const shop = document.getElementById("id_shop");
    const radius = document.getElementById("id_radius_m");
    const slider = document.getElementById("radius-slider");
    const targets = form.querySelectorAll('input[name="target"]');
    const showTarget = () => {
      const chosen = form.querySelector('input[name="target"]:checked');
      for (const kind of ["radius", "levels", "segments", "customer_list"]) {
        const box = form.querySelector(".target-" + kind);
        if (box) box.hidden = !chosen || chosen.value !== kind;
      }
    };
    targets.forEach((input) => input.addEventListener("change", showTarget));
    showTarget();

    const el = document.getElementById("deal-map");
    let map = null, circle = null, marker = null;
    const centre = () => {
      const option = shop && shop.selectedOptions[0];
      if (!option || !option.dataset.lat) return null;
      return [parseFloat(option.dataset.lat), parseFloat(option.dataset.lng)];
    };
    const metres = () => parseInt(radius.value, 10) || 0;
    function draw() {
      if (!map) return;
      const at = centre();
      if (!at) return;
      marker.setLatLng(at);
      circle.setLatLng(at).setRadius(metres());
      if (metres() > 0) map.fitBounds(circle.getBounds(), { padding: [10, 10] });
    }
    if (el && window.L) {
      L.Icon.Default.imagePath = "";
      L.Icon.Default.mergeOptions({
        iconUrl: el.dataset.markerIcon,
        iconRetinaUrl: el.dataset.markerIcon2x,
        shadowUrl: el.dataset.markerShadow,
      });
      const start = centre() || [31.2304, 121.4737];
      map = L.map(el).setView(start, 13);
      const status = document.getElementById("map-status");
      if (el.dataset.tilesUrl) {
        L.tileLayer(el.dataset.tilesUrl, { maxZoom: 19, attribution: el.dataset.attribution })
          .on("tileerror", () => { status.hidden = false; })
          .addTo(map);
      } else {
        status.hidden = false;
      }
      marker = L.marker(start).addTo(map);
      circle = L.circle(start, { radius: metres(), color: "#d9534f", fillOpacity: 0.15 }).addTo(map);
      draw();
    }
    slider.addEventListener("input", () => {
      radius.value = slider.value;
      draw();
      document.body.dispatchEvent(new Event("radius")); // the audience count follows
    });
    radius.addEventListener("input", () => { slider.value = radius.value; draw(); });
    if (shop) shop.addEventListener("change", draw);
  }

  const source = document.getElementById("deal-chart-data");
  if (source && typeof Chart !== "undefined") {
    const data = JSON.parse(source.textContent);
    Chart.defaults.animation = false;
    new Chart(document.getElementById("deal-chart"), {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [{ data: data.counts, backgroundColor: ["#3b82f6", "#60a5fa", "#93c5fd", "#d9534f", "#16a34a"] }],
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  }
})();
