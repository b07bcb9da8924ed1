/** Headers that describe one hop, not the message; never forwarded. */
const HOP_BY_HOP = [
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  "content-length",
  // The fetch in use negotiates (and decodes) compression itself; a client's preference would
  // make an upstream compress bodies that a non-decoding fetch then passes on mislabelled.
  "accept-encoding",
];

/**
 * Headers carrying the gateway's own credentials (client tokens, the admin session). The pipeline
 * removes them, and each provider's `clientKeyHeaders`, before a provider sees the request.
 */
export const CLIENT_CREDENTIAL_HEADERS: readonly string[] = ["authorization", "x-api-key", "cookie"];

const NEVER_FORWARDED: ReadonlySet<string> = new Set([...HOP_BY_HOP, ...CLIENT_CREDENTIAL_HEADERS]);

/**
 * Copies the client's headers for the upstream, minus hop-by-hop headers and those proxies in
 * front of the gateway add. Requests from the pipeline carry no credential (it removed them);
 * the gateway's own credential headers are dropped here too, for headers from anywhere else.
 */
export function forwardableRequestHeaders(source: Headers, extraToDrop: readonly string[] = []): Headers {
  const out = new Headers();
  const drop = extraToDrop.length === 0 ? NEVER_FORWARDED : new Set([...NEVER_FORWARDED, ...extraToDrop]);
  source.forEach((value, name) => {
    if (!drop.has(name) && !name.startsWith("cf-") && !name.startsWith("x-forwarded-")) out.set(name, value);
  });
  return out;
}

/**
 * Copies upstream response headers for the client. `fetch` already decoded the body, so the
 * upstream's `content-encoding` and `content-length` no longer describe it.
 */
export function forwardableResponseHeaders(source: Headers): Headers {
  const out = new Headers();
  source.forEach((value, name) => {
    if (!HOP_BY_HOP.includes(name) && name !== "content-encoding" && name !== "set-cookie") out.set(name, value);
  });
  return out;
}

/** Reads `retry-after` (seconds or HTTP date) into milliseconds. */
export function parseRetryAfter(headers: Headers, now = Date.now()): number | undefined {
  const value = headers.get("retry-after");
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
