// Every call goes through openapi-fetch with the types generated from the live schema
// (`npm run gen`), so a schema change that breaks a screen fails `npm run check`.
import createClient from "openapi-fetch";
import type { paths } from "./schema";
import { lang } from "../lib/i18n";
import { ApiProblem } from "../lib/errors";
import { session, sessionEnd, tokensUpdate } from "../lib/session";
import { router } from "../router";

const RETRIES_ON_503 = 2;
let refreshing: Promise<boolean> | null = null;

function offlineResponse(): Response {
  return new Response(JSON.stringify({ code: "offline", detail: "", fields: {} }), {
    status: 599,
    headers: { "Content-Type": "application/json" },
  });
}

async function send(request: Request): Promise<Response> {
  const attempt = request.clone();
  attempt.headers.set("Accept-Language", lang.value === "en" ? "en" : "zh-hans");
  if (session.value) attempt.headers.set("Authorization", `Bearer ${session.value.access}`);
  try {
    return await fetch(attempt);
  } catch {
    return offlineResponse();
  }
}

// The refresh goes around fetchWithRetry (a 401 there must not refresh again).
const plain = createClient<paths>({ baseUrl: location.origin });

async function refreshTokens(): Promise<boolean> {
  const refresh = session.value?.refresh;
  if (!refresh) return false;
  const { data } = await plain
    .POST("/api/v1/auth/refresh/", { body: { refresh } satisfies Body<"/api/v1/auth/refresh/", "post"> })
    .catch(() => ({ data: undefined }));
  if (!data) return false;
  tokensUpdate(data.access, data.refresh);
  return true;
}

/** Retries on 503 (a GET, or a write carrying an Idempotency-Key); refreshes an expired token. */
async function fetchWithRetry(input: Request): Promise<Response> {
  const safe = input.method === "GET" || input.headers.has("Idempotency-Key");
  let response = await send(input);
  for (let i = 0; i < RETRIES_ON_503 && safe && response.status === 503; i++) {
    await new Promise((resolve) => setTimeout(resolve, 600 * (i + 1)));
    response = await send(input);
  }
  if (response.status === 401 && session.value && !input.url.includes("/auth/")) {
    refreshing ??= refreshTokens().finally(() => (refreshing = null));
    if (await refreshing) return send(input);
    sessionEnd();
    // The address being opened, not the router's current route: on a first load the router is
    // still at its start ("/") while the page's own requests fail.
    const here = window.location.pathname.replace(/^\/app(?=\/|$)/, "") || "/";
    void router.push({ name: "login", query: { next: here + window.location.search } });
  }
  return response;
}

export const api = createClient<paths>({ baseUrl: location.origin, fetch: fetchWithRetry });

/** The data of a result, or an ApiProblem with the error's stable code. */
export function must<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || result.data === undefined) {
    const body = (result.error ?? {}) as { code?: string; detail?: string; fields?: Record<string, unknown> };
    const status = result.response.status;
    const code = body.code ?? (status === 599 ? "offline" : status === 503 ? "service_unavailable" : `http_${status}`);
    throw new ApiProblem(code, status, body.detail ?? "", body.fields ?? {});
  }
  return result.data;
}

/** For 204 answers. */
export function ok(result: { error?: unknown; response: Response }): void {
  if (!result.response.ok) must({ ...result, data: undefined });
}

export function idempotencyKey(): string {
  return crypto.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/**
 * A GET's query parameters, for `satisfies`: openapi-fetch infers `params` generically, which
 * lets a renamed optional parameter slip through; `{ … } satisfies Query<"/api/v1/…">` makes
 * TypeScript check the literal's every key against the schema.
 */
export type Query<P extends keyof paths> = paths[P] extends { get: { parameters: { query?: infer Q } } }
  ? NonNullable<Q>
  : never;

type JsonOf<Op> = Op extends { requestBody?: infer R }
  ? NonNullable<R> extends { content: { "application/json": infer B } } ? B : never
  : never;

/** A request's JSON body, for `satisfies` (the same reason as Query). */
export type Body<P extends keyof paths, M extends "post" | "put" | "patch"> = JsonOf<NonNullable<paths[P][M]>>;
