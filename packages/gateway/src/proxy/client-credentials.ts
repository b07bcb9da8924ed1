/**
 * Where a client's gateway credential may travel, and the one place it is taken off the request:
 * `authorization: Bearer …`, `x-api-key`, each registered provider's `clientKeyHeaders` (the
 * header its own SDKs send a key in, e.g. Gemini's), and a `?key=` query parameter. The pipeline
 * removes every one of them (and the admin session cookie) before a provider sees the request,
 * so an adapter never has to.
 */
import type { Provider } from "../spec/provider.js";
import { CLIENT_CREDENTIAL_HEADERS } from "../util/headers.js";
import { stripQueryParams } from "../util/url.js";

/** The headers a client may send its key in besides `authorization`: `x-api-key`, then each provider's own. */
export function clientKeyHeadersOf(providers: Iterable<Provider>): string[] {
  const names = new Set(["x-api-key"]);
  for (const provider of providers) for (const name of provider.clientKeyHeaders ?? []) names.add(name.toLowerCase());
  return [...names];
}

/**
 * Reads the credential a client sent: a bearer token, else the first of `keyHeaders` present,
 * else `?key=`. @param keyHeaders see {@link clientKeyHeadersOf}. @default ["x-api-key"]
 */
export function extractClientCredential(
  headers: Headers,
  search = "",
  keyHeaders: readonly string[] = DEFAULT_KEY_HEADERS,
): string | undefined {
  const authorization = headers.get("authorization");
  if (authorization) {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (match?.[1]) return match[1].trim();
  }
  let fromHeader: string | null = null;
  for (const name of keyHeaders) {
    fromHeader = headers.get(name);
    if (fromHeader !== null) break;
  }
  if (fromHeader) return fromHeader.trim();
  if (search.includes("key=")) return new URLSearchParams(search).get("key") ?? undefined;
  return undefined;
}

const DEFAULT_KEY_HEADERS: readonly string[] = ["x-api-key"];

/** The client's headers and query as a provider may see them: no credential left in either. */
export function withoutClientCredentials(
  headers: Headers,
  search: string,
  keyHeaders: readonly string[] = DEFAULT_KEY_HEADERS,
): { headers: Headers; search: string } {
  const clean = new Headers(headers);
  for (const name of CLIENT_CREDENTIAL_HEADERS) clean.delete(name);
  for (const name of keyHeaders) clean.delete(name);
  // `key=` is where some SDKs put their key; whatever it holds, the upstream gets the pool's.
  return { headers: clean, search: search.includes("key=") ? stripQueryParams(search, ["key"]) : search };
}
