// A cursor-paged list for van-list's endless scroll. `restart` starts a new query; a page that
// answers after a newer restart (a slow first search, a double submit) is dropped, so the list
// shows one query's results, never two appended.
import { ref, type Ref } from "vue";
import { nextCursor } from "./format";

type Page<T> = { results: T[]; next?: string | null };

export function usePaged<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T> | null>) {
  const items = ref<T[]>([]) as Ref<T[]>;
  const loading = ref(false);
  const finished = ref(false);
  const problem = ref<unknown>(null);
  let cursor: string | undefined;
  let query = 0;

  async function more(): Promise<void> {
    const mine = query;
    loading.value = true;
    try {
      const page = await fetchPage(cursor);
      if (mine !== query) return;
      if (page) items.value.push(...page.results);
      cursor = page ? nextCursor(page) : undefined;
      finished.value = !cursor;
      problem.value = null;
    } catch (error) {
      if (mine === query) problem.value = error;
    } finally {
      if (mine === query) loading.value = false;
    }
  }

  function restart(): void {
    query += 1;
    items.value = [];
    cursor = undefined;
    finished.value = false;
    problem.value = null;
    void more();
  }

  return { items, loading, finished, problem, more, restart };
}
