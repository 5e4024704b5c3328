// Leaflet, loaded only on the screens with a map. Tiles: the server's MAP_TILES_URL (injected
// into index.html by the /app/ view), else none.
import "leaflet/dist/leaflet.css";
import L from "leaflet";

export function tilesUrl(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="o2o-map-tiles"]')?.content ?? "";
}

export function mapCreate(element: HTMLElement, lat: number, lng: number, zoom = 15): L.Map {
  const map = L.map(element, { zoomControl: true }).setView([lat, lng], zoom);
  const url = tilesUrl();
  if (url) L.tileLayer(url, { maxZoom: 19, attribution: "© OpenStreetMap" }).addTo(map);
  return map;
}

export { L };
