// The shop's map pin: click or drag to set it, or use the phone's GPS, or type coordinates.
// The page works without the base map: when tiles cannot load (no network, no tiles URL),
// the map is a blank canvas that still takes clicks, and the coordinate fields still save.
(function () {
  "use strict";
  const el = document.getElementById("shop-map");
  if (!el || !window.L) return;
  const lat = document.getElementById("id_lat");
  const lng = document.getElementById("id_lng");
  const mapStatus = document.getElementById("map-status");
  const gpsStatus = document.getElementById("gps-status");
  const typed = () => [parseFloat(lat.value), parseFloat(lng.value)];
  const hasPin = typed().every(Number.isFinite);
  const start = hasPin ? typed() : [31.2304, 121.4737]; // People's Square, Shanghai

  // Explicit icon URLs: Leaflet's guess from its CSS fails on collectstatic's hashed names.
  L.Icon.Default.imagePath = "";
  L.Icon.Default.mergeOptions({
    iconUrl: el.dataset.markerIcon,
    iconRetinaUrl: el.dataset.markerIcon2x,
    shadowUrl: el.dataset.markerShadow,
  });
  const map = L.map(el).setView(start, hasPin ? 16 : 11);
  if (el.dataset.tilesUrl) {
    let reported = false;
    L.tileLayer(el.dataset.tilesUrl, { maxZoom: 19, attribution: el.dataset.attribution })
      .on("tileerror", () => {
        if (!reported) mapStatus.hidden = false;
        reported = true;
      })
      .addTo(map);
  } else {
    mapStatus.hidden = false;
  }
  const marker = L.marker(start, { draggable: true }).addTo(map);

  function pin(latitude, longitude, pan) {
    lat.value = latitude.toFixed(6);
    lng.value = longitude.toFixed(6);
    marker.setLatLng([latitude, longitude]);
    if (pan) map.setView([latitude, longitude], Math.max(map.getZoom(), 16));
  }
  map.on("click", (event) => pin(event.latlng.lat, event.latlng.lng, false));
  marker.on("dragend", () => pin(marker.getLatLng().lat, marker.getLatLng().lng, false));
  for (const input of [lat, lng]) {
    input.addEventListener("change", () => {
      const [a, b] = typed();
      if (Number.isFinite(a) && Number.isFinite(b)) {
        marker.setLatLng([a, b]);
        map.panTo([a, b]);
      }
    });
  }
  document.getElementById("use-gps").addEventListener("click", () => {
    if (!navigator.geolocation) {
      gpsStatus.textContent = el.dataset.msgGpsFailed;
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (position) => {
        pin(position.coords.latitude, position.coords.longitude, true);
        gpsStatus.textContent = el.dataset.msgGpsDone;
      },
      () => { gpsStatus.textContent = el.dataset.msgGpsFailed; },
      { enableHighAccuracy: true, timeout: 10000 },
    );
  });
})();
