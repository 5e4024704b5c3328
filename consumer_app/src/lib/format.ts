// Money is integer fen on the wire; people read yuan.
export function yuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return "";
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(fen);
  return `${sign}¥${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

export function fenOf(yuanText: string): number {
  const match = /^\s*(\d+)(?:\.(\d{1,2}))?\s*$/.exec(yuanText);
  if (!match) return NaN;
  return Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
}

export function distance(metres: number | null | undefined): string {
  if (metres === null || metres === undefined) return "";
  return metres < 1000 ? `${Math.round(metres)} m` : `${(metres / 1000).toFixed(1)} km`;
}

export function when(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  return d.toLocaleString("zh-CN", {
    timeZone: "Asia/Shanghai", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
  });
}

export function day(iso: string | null | undefined): string {
  if (!iso) return "";
  return new Date(iso).toLocaleDateString("zh-CN", { timeZone: "Asia/Shanghai" });
}

export function priceLevel(level: number | null | undefined): string {
  return level ? "¥".repeat(level) : "";
}

/** The cursor of the next page, from the page's `next` link (or `next_cursor` once it exists). */
export function nextCursor(page: { next?: string | null }): string | undefined {
  const withCursor = page as { next_cursor?: string | null };
  if (withCursor.next_cursor) return withCursor.next_cursor;
  if (!page.next) return undefined;
  return new URL(page.next, location.origin).searchParams.get("cursor") ?? undefined;
}
