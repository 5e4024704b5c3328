// Who is signed in. Tokens and every personal item live under "o2o:" keys in localStorage;
// signing out removes them all (and the service worker's caches), so the next person on this
// phone sees nothing of the last one.
import { computed, ref } from "vue";
import type { components } from "../api/schema";

export type User = components["schemas"]["User"];
const KEY = "o2o:session";

interface Stored {
  access: string;
  refresh: string;
  user: User;
}

function load(): Stored | null {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Stored) : null;
  } catch {
    return null;
  }
}

export const session = ref<Stored | null>(load());
export const signedIn = computed(() => session.value !== null);

export function sessionSave(value: Stored): void {
  const previous = session.value?.user.id;
  if (previous !== undefined && previous !== value.user.id) personalDataClear();
  session.value = value;
  localStorage.setItem(KEY, JSON.stringify(value));
}

export function tokensUpdate(access: string, refresh?: string): void {
  if (!session.value) return;
  sessionSave({ ...session.value, access, refresh: refresh ?? session.value.refresh });
}

/** Forget this browser's push subscription (no request to our server: it may be signed out);
 * the push service then answers 410 for it, and the server deactivates the device. */
export async function pushUnsubscribe(): Promise<void> {
  if (!("serviceWorker" in navigator)) return;
  const worker = await navigator.serviceWorker.getRegistration();
  await (await worker?.pushManager?.getSubscription())?.unsubscribe();
}

/** Everything personal on this device: tokens, saved QR codes, caches, the push subscription. */
export function personalDataClear(): void {
  void pushUnsubscribe().catch(() => undefined);
  for (const key of Object.keys(localStorage)) {
    if (key.startsWith("o2o:") && key !== "o2o:lang") localStorage.removeItem(key);
  }
  sessionStorage.clear();
  if ("caches" in window) {
    void caches.keys().then((names) =>
      Promise.all(names.filter((n) => !n.startsWith("workbox-precache")).map((n) => caches.delete(n))),
    );
  }
}

export function sessionEnd(): void {
  session.value = null;
  personalDataClear();
}
