// Web Push: where the browser has PushManager and the app's service worker is active, the
// consumer may subscribe this browser with the server's VAPID key (applicationServerKey); the
// subscription goes to the devices API as a "web" device. Switching off unsubscribes and
// deletes the device; signing out does too (MeView), and a sign-out the app did not choose
// (an expired session) unsubscribes here, so the push service forgets it (410: the server
// deactivates the device). The service worker shows the pushes (public/push-handler.js).
import { api, must, type Body } from "../api/client";
import { ApiProblem } from "./errors";
import { pushUnsubscribe } from "./session";

const DEVICE = "o2o:push-device"; // this browser's device id; removed with the personal items

/** Why push is not offered here, or "" when it is. */
export type PushBlock = "" | "unsupported" | "no-worker" | "denied" | "unavailable";

async function registration(wait = 3000): Promise<ServiceWorkerRegistration | null> {
  const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), wait));
  return Promise.race([navigator.serviceWorker.ready, timeout]);
}

export async function pushBlock(): Promise<PushBlock> {
  if (!("PushManager" in window) || !("serviceWorker" in navigator) || !("Notification" in window)) {
    return "unsupported";
  }
  if (!(await registration())?.active) return "no-worker";
  if (Notification.permission === "denied") return "denied";
  return "";
}

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
  const raw = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

async function deviceSave(subscription: PushSubscription): Promise<void> {
  const json = subscription.toJSON();
  const device = must(await api.POST("/api/v1/me/devices/", {
    body: {
      platform: "web",
      endpoint: json.endpoint ?? subscription.endpoint,
      keys: { p256dh: json.keys?.p256dh ?? "", auth: json.keys?.auth ?? "" },
    } satisfies Body<"/api/v1/me/devices/", "post">,
  }));
  localStorage.setItem(DEVICE, String(device.id));
}

/** Is this browser subscribed for me? If so, the server's row is refreshed (and moves to me). */
export async function pushIsOn(): Promise<boolean> {
  const subscription = await (await registration())?.pushManager.getSubscription();
  if (!subscription || Notification.permission !== "granted" || !localStorage.getItem(DEVICE)) return false;
  await deviceSave(subscription);
  return true;
}

/** Ask for permission, subscribe with the server's key, register the subscription. */
export async function pushOn(): Promise<"on" | "denied" | "unavailable"> {
  if ((await Notification.requestPermission()) !== "granted") return "denied";
  const answer = await api.GET("/api/v1/me/devices/web-push-key/");
  if (answer.response.status === 404) return "unavailable";
  const { public_key } = must(answer);
  const worker = await navigator.serviceWorker.ready;
  // A subscription made with another key (the server's key changed) cannot be reused.
  await (await worker.pushManager.getSubscription())?.unsubscribe();
  const subscription = await worker.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: keyBytes(public_key),
  });
  await deviceSave(subscription);
  return "on";
}

/** Delete this browser's device and unsubscribe it. */
export async function pushOff(): Promise<void> {
  const id = Number(localStorage.getItem(DEVICE));
  if (id) {
    const { response } = await api.DELETE("/api/v1/me/devices/{id}/", { params: { path: { id } } });
    if (!response.ok && response.status !== 404) throw new ApiProblem(`http_${response.status}`, response.status, "");
    localStorage.removeItem(DEVICE);
  }
  await pushUnsubscribe();
}
