// `npm run build`: copy the dashboard's front-end packages from node_modules into
// dashboard/static/dashboard/vendor/, where collectstatic and whitenoise serve them.
// No bundler: every package ships a ready browser build; the machines have no CDN.
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const modules = join(root, "node_modules");
const vendor = join(root, "dashboard", "static", "dashboard", "vendor");

// [source in node_modules, destination in vendor/]. Source maps are copied with the files
// that name them: collectstatic's manifest storage refuses a reference to a missing file.
const FILES = [
  ["htmx.org/dist/htmx.min.js", "htmx.min.js"],
  ["jsqr/dist/jsQR.js", "jsQR.js"],
  ["chart.js/dist/chart.umd.min.js", "chart.umd.min.js"],
  ["chart.js/dist/chart.umd.min.js.map", "chart.umd.min.js.map"],
  ["leaflet/dist/leaflet.js", "leaflet/leaflet.js"],
  ["leaflet/dist/leaflet.js.map", "leaflet/leaflet.js.map"],
  ["leaflet/dist/leaflet.css", "leaflet/leaflet.css"],
  ["leaflet/dist/images", "leaflet/images"],
  ["@picocss/pico/css/pico.min.css", "pico.min.css"],
];

rmSync(vendor, { recursive: true, force: true });
for (const [source, destination] of FILES) {
  const target = join(vendor, destination);
  mkdirSync(dirname(target), { recursive: true });
  cpSync(join(modules, source), target, { recursive: true });
}
console.log(`copied ${FILES.length} front-end assets into ${vendor}`);
