/** The admin API client: JSON in and out, typed errors, and session expiry in one place. */
import { createStore } from "./store.js";

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly param?: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** Set when an admin call answers 401: the app shows the login page with a message. */
export const sessionExpired = createStore(false);

export interface ApiInit {
  method?: string;
  json?: unknown;
  query?: Record<string, string | number | boolean | undefined | null>;
  /** A raw body (e.g. JSON lines) instead of `json`. */
  body?: string;
  contentType?: string;
  /** Do not treat 401 as an expired session (login, session probe, public API). */
  quiet401?: boolean;
  /** Extra request headers (e.g. `idempotency-key`). */
  headers?: Record<string, string>;
}

export function buildUrl(path: string, query?: ApiInit["query"]): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== "") params.set(name, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

export async function request(path: string, init: ApiInit = {}): Promise<Response> {
  const headers: Record<string, string> = {
    ...init.headers,
    "x-requested-with": "keyhive",
    accept: "application/json",
  };
  if (init.json !== undefined) headers["content-type"] = "application/json";
  else if (init.body !== undefined) headers["content-type"] = init.contentType ?? "text/plain";
  const body = init.json !== undefined ? JSON.stringify(init.json) : init.body;
  const response = await fetch(buildUrl(path, init.query), {
    method: init.method ?? (body !== undefined ? "POST" : "GET"),
    headers,
    credentials: "same-origin",
    body,
  });
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    let param: string | undefined;
    let code: string | undefined;
    try {
      const body = (await response.json()) as { error?: { message?: string; param?: string; code?: string } };
      if (body.error?.message) message = body.error.message;
      param = body.error?.param ?? undefined;
      code = body.error?.code ?? undefined;
    } catch {
      // Not JSON: keep the status line.
    }
    if (response.status === 401 && !init.quiet401 && path.startsWith("/admin/api/")) sessionExpired.set(true);
    throw new ApiError(message, response.status, param, code);
  }
  return response;
}

export async function api<T>(path: string, init: ApiInit = {}): Promise<T> {
  const response = await request(path, init);
  if (response.status === 204) return undefined as T;
  const type = response.headers.get("content-type") ?? "";
  return (type.includes("json") ? await response.json() : await response.text()) as T;
}

export const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));
