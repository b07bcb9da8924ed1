/**
 * The behaviours of `openAIChaosRoute`, one per key: which wire shape a healthy or failing answer
 * takes. Shared by the route, its payloads and its shapes.
 */

const HEALTHY = [
  "ok", // Content-Length (SSE: chunked, as OpenAI streams)
  "ok-chunked", // Transfer-Encoding: chunked
  "ok-close", // no length: the body ends with the connection
  "ok-gzip", // gzip whether asked or not
  "ok-br",
  "ok-deflate",
  "ok-gzip-negotiated", // gzip only when accept-encoding lists it
  "ok-crlf", // SSE lines end in \r\n (JSON pretty-printed with \r\n)
  "ok-comments", // SSE ": ping" blocks between events (JSON: whitespace heartbeats first)
  "ok-multiline", // SSE data spread over several data: lines (JSON pretty-printed)
  "ok-one-byte", // every byte its own write
  "ok-trickle", // a pause between events (JSON: between fifths)
  "ok-big", // over 1 MiB
  "ok-slow-headers", // headers after `okSlowHeadersMs`, then a good answer
] as const;

const FAILING_BEFORE_FIRST_BYTE = [
  "invalid", // 401 invalid_api_key
  "no-quota", // 429 insufficient_quota
  "rate-limited", // 429 retry-after: 1
  "rate-limited-date", // 429 retry-after: <HTTP date ~2 s ahead>
  "server-error", // 500 OpenAI error JSON
  "html-502", // nginx page
  "html-503",
  "html-504",
  "html-520", // Cloudflare page
  "empty-200", // 200, application/json, zero bytes
  "reset-before-headers", // RST instead of an answer
  "reset-after-headers", // 200 and headers, then RST before any body byte
  "reset-mid-body", // half the body, then RST
  "slow-headers", // headers after `slowHeadersMs` (30 s): longer than any test deadline
] as const;

const FAILING_MID_STREAM = [
  "reset-mid-event", // SSE: two events, half of the third, RST (JSON: half the body, RST)
  "cut-mid-stream", // SSE: three events, clean FIN, no [DONE] (JSON: half the body, FIN)
] as const;

/** A key's behaviour under `openAIChaosRoute`; see `CHAOS_*` for what each one does. */
export type ChaosBehaviour =
  | (typeof HEALTHY)[number]
  | (typeof FAILING_BEFORE_FIRST_BYTE)[number]
  | (typeof FAILING_MID_STREAM)[number];

/** Behaviours that always end in a complete, correct answer, however odd its shape. */
export const CHAOS_HEALTHY: readonly ChaosBehaviour[] = HEALTHY;
/** Behaviours that fail before the first body byte (or, `slow-headers`, miss any deadline). */
export const CHAOS_FAILING_BEFORE_FIRST_BYTE: readonly ChaosBehaviour[] = FAILING_BEFORE_FIRST_BYTE;
/** Behaviours that fail after the first body byte. */
export const CHAOS_FAILING_MID_STREAM: readonly ChaosBehaviour[] = FAILING_MID_STREAM;

/** What a healthy answer carries, before a behaviour gives it a shape. */
export type Payload = { sse: false; value: unknown } | { sse: true; events: object[] };

export interface Settings {
  okSlowHeadersMs: number;
  slowHeadersMs: number;
  trickleMs: number;
}

/** Just over 1 MiB: past any buffer a client might size at a round number. */
export const BIG_BYTES = 1024 * 1024 + 64 * 1024;
