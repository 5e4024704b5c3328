// Where discovery looks: the browser's location, or a place the consumer typed when the browser
// refuses (a small list of Shanghai landmarks, or "lat,lng").
import { ref } from "vue";

export interface Where {
  lat: number;
  lng: number;
  label: string;
}

export const PLACES: Where[] = [
  { label: "人民广场", lat: 31.2323, lng: 121.4751 },
  { label: "静安寺", lat: 31.2235, lng: 121.4453 },
  { label: "陆家嘴", lat: 31.2397, lng: 121.4998 },
  { label: "外滩", lat: 31.2400, lng: 121.4900 },
  { label: "徐家汇", lat: 31.1950, lng: 121.4370 },
  { label: "五角场", lat: 31.3000, lng: 121.5140 },
  { label: "中山公园", lat: 31.2230, lng: 121.4170 },
  { label: "虹桥火车站", lat: 31.1940, lng: 121.3200 },
  { label: "世纪公园", lat: 31.2160, lng: 121.5510 },
  { label: "南京西路", lat: 31.2290, lng: 121.4590 },
];

const saved = sessionStorage.getItem("o2o:where");
export const where = ref<Where | null>(saved ? (JSON.parse(saved) as Where) : null);
export const locating = ref(false);
export const refused = ref(false);

export function whereSet(value: Where): void {
  where.value = value;
  sessionStorage.setItem("o2o:where", JSON.stringify(value));
}

export function placeParse(text: string): Where | null {
  const typed = text.trim();
  const pair = /^(-?\d+(?:\.\d+)?)\s*[,，]\s*(-?\d+(?:\.\d+)?)$/.exec(typed);
  if (pair) return { lat: Number(pair[1]), lng: Number(pair[2]), label: typed };
  return PLACES.find((p) => p.label.includes(typed) || typed.includes(p.label)) ?? null;
}

export function locate(label: string): Promise<Where | null> {
  if (!("geolocation" in navigator)) {
    refused.value = true;
    return Promise.resolve(null);
  }
  locating.value = true;
  return new Promise((resolve) => {
    navigator.geolocation.getCurrentPosition(
      (position) => {
        locating.value = false;
        refused.value = false;
        const here = { lat: position.coords.latitude, lng: position.coords.longitude, label };
        whereSet(here);
        resolve(here);
      },
      () => {
        locating.value = false;
        refused.value = true;
        resolve(null);
      },
      { timeout: 8000, maximumAge: 60_000 },
    );
  });
}
