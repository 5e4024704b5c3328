// A personal item with a QR: fetched, kept for offline use, and polled every 2 s while its screen
// is open, so a redemption or purchase at the counter shows within 5 s.
import { onMounted, onUnmounted, ref, type Ref } from "vue";
import { ApiProblem } from "./errors";
import { qrRecall, qrRemember, type QrKind } from "./offline";

export function usePolled<T>(kind: QrKind, id: number, fetchItem: () => Promise<T>, everyMs = 2000) {
  const item = ref<T | null>(null) as Ref<T | null>;
  const savedAt = ref<number | null>(null);
  const problem = ref<unknown>(null);
  const loading = ref(true);
  let timer: number | undefined;

  async function refresh(): Promise<void> {
    try {
      item.value = await fetchItem();
      qrRemember(kind, id, item.value);
      savedAt.value = null;
      problem.value = null;
    } catch (error) {
      const offline = error instanceof ApiProblem && (error.code === "offline" || error.status >= 500);
      const saved = offline ? qrRecall<T>(kind, id) : null;
      if (saved) {
        item.value = saved.item;
        savedAt.value = saved.saved_at;
      } else if (!item.value) {
        problem.value = error;
      }
    } finally {
      loading.value = false;
    }
  }

  onMounted(() => {
    void refresh();
    timer = window.setInterval(() => {
      if (document.visibilityState === "visible") void refresh();
    }, everyMs);
  });
  onUnmounted(() => window.clearInterval(timer));
  return { item, savedAt, problem, loading, refresh };
}

/** A list for offline use: the last one fetched for this account. */
export async function listWithFallback<T>(
  name: string, fetchList: () => Promise<T[]>, remember: (n: string, items: T[]) => void, recall: (n: string) => T[] | null,
): Promise<{ items: T[]; offline: boolean }> {
  try {
    const items = await fetchList();
    remember(name, items);
    return { items, offline: false };
  } catch (error) {
    const saved = recall(name);
    if (saved && error instanceof ApiProblem && (error.code === "offline" || error.status >= 500)) {
      return { items: saved, offline: true };
    }
    throw error;
  }
}
