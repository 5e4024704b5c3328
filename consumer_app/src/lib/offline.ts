// QR codes seen once stay viewable without network: kept in localStorage under the signed-in
// account's id, removed on sign-out (session.personalDataClear) and never read for another id.
import { session } from "./session";

export type QrKind = "coupon" | "card" | "order";

function key(kind: QrKind, id: number | string): string | null {
  const user = session.value?.user.id;
  return user === undefined ? null : `o2o:u${user}:qr:${kind}:${id}`;
}

export function qrRemember<T>(kind: QrKind, id: number | string, item: T): void {
  const k = key(kind, id);
  if (k) localStorage.setItem(k, JSON.stringify({ saved_at: Date.now(), item }));
}

export function qrRecall<T>(kind: QrKind, id: number | string): { saved_at: number; item: T } | null {
  const k = key(kind, id);
  const raw = k ? localStorage.getItem(k) : null;
  return raw ? (JSON.parse(raw) as { saved_at: number; item: T }) : null;
}

/** Lists too (my coupons, my cards, my orders), so the list opens offline. */
export function listRemember<T>(name: string, items: T[]): void {
  const user = session.value?.user.id;
  if (user !== undefined) localStorage.setItem(`o2o:u${user}:list:${name}`, JSON.stringify(items));
}

export function listRecall<T>(name: string): T[] | null {
  const user = session.value?.user.id;
  const raw = user === undefined ? null : localStorage.getItem(`o2o:u${user}:list:${name}`);
  return raw ? (JSON.parse(raw) as T[]) : null;
}
