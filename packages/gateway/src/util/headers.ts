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

/** Client credentials the gateway consumes itself; an upstream must never see them. */
export const CLIENT_CREDENTIAL_HEADERS = ["authorization", "x-api-key", "x-goog-api-key", "cookie"];

/** Copies the client's headers for the upstream, minus hop-by-hop headers and credentials. */
export function forwardableRequestHeaders(source: Headers, extraToDrop: readonly string[] = []): Headers {
  const out = new Headers();
  const drop = new Set([...HOP_BY_HOP, ...CLIENT_CREDENTIAL_HEADERS, ...extraToDrop]);
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
