/**
 * Chaos presets for the adversarial upstream: an OpenAI-compatible route whose every key picks
 * one wire shape, healthy or failing, for chat completions (JSON and SSE), embeddings and models.
 */
import type { WireAnswer, WireRequest, WireRoute } from "./adversarial-upstream.js";
import { wire } from "./wire-shapes.js";

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

export interface OpenAIChaosRouteOptions {
  /** Behaviour per key (by `WireRequest.key`). */
  keys?: Record<string, ChaosBehaviour>;
  /** Behaviour of keys not listed, and of requests without a key. @default "invalid" */
  defaultBehaviour?: ChaosBehaviour;
  /** Words of a chat answer: `chaosWords(words)`. @default 8 */
  words?: number;
  /** Header delay of `ok-slow-headers`. @default 2000 */
  okSlowHeadersMs?: number;
  /** Header delay of `slow-headers`. @default 30000 */
  slowHeadersMs?: number;
  /** Pause between pieces of `ok-trickle`. @default 20 */
  trickleMs?: number;
  /** Ids listed by `GET /v1/models`. @default ["gpt-4o-mini", "gpt-4o", "text-embedding-3-small"] */
  models?: string[];
}

/**
 * The streamed deltas of a chaos chat answer: `["w0", " w1", " w2", ...]`. Joined, they are the
 * JSON answer's content (`"w0 w1 w2 ..."`), so tests can assert exact text.
 */
export function chaosWords(count = 8): string[] {
  return Array.from({ length: count }, (_, index) => (index === 0 ? "w0" : ` w${index}`));
}

/** What a healthy answer carries, before a behaviour gives it a shape. */
type Payload = { sse: false; value: unknown } | { sse: true; events: object[] };

interface Settings {
  okSlowHeadersMs: number;
  slowHeadersMs: number;
  trickleMs: number;
}

/** Just over 1 MiB: past any buffer a client might size at a round number. */
const BIG_BYTES = 1024 * 1024 + 64 * 1024;

/**
 * An OpenAI-compatible route (`POST /v1/chat/completions`, `POST /v1/embeddings`,
 * `GET /v1/models`) that answers each request in the shape its key's behaviour names.
 *
 * @example
 * const upstream = await startAdversarialUpstream({
 *   route: openAIChaosRoute({ keys: { "sk-good": "ok-chunked", "sk-cut": "cut-mid-stream" } }),
 * });
 */
export function openAIChaosRoute(options: OpenAIChaosRouteOptions = {}): WireRoute {
  const words = chaosWords(options.words ?? 8);
  const models = options.models ?? ["gpt-4o-mini", "gpt-4o", "text-embedding-3-small"];
  const settings: Settings = {
    okSlowHeadersMs: options.okSlowHeadersMs ?? 2000,
    slowHeadersMs: options.slowHeadersMs ?? 30_000,
    trickleMs: options.trickleMs ?? 20,
  };
  return (request) => {
    const behaviour = (request.key === undefined ? undefined : options.keys?.[request.key]) ?? options.defaultBehaviour;
    const payload = healthyPayload(request, words, models, behaviour === "ok-big");
    if (!payload) {
      const { pathname } = new URL(request.path, "http://upstream.invalid");
      return wire.openAIError(404, `Invalid URL (${request.method} ${pathname})`, "invalid_request_error", null);
    }
    return shape(behaviour ?? "invalid", payload, request, settings);
  };
}

function healthyPayload(request: WireRequest, words: string[], models: string[], big: boolean): Payload | undefined {
  const { pathname } = new URL(request.path, "http://upstream.invalid");
  const json = (typeof request.json === "object" && request.json !== null ? request.json : {}) as Record<
    string,
    unknown
  >;
  const model = typeof json.model === "string" ? json.model : "gpt-4o-mini";
  const route = `${request.method} ${pathname}`;
  if (route === "GET /v1/models") {
    // Big: an organisation with thousands of fine-tunes.
    const padding = big ? Array.from({ length: BIG_BYTES / 64 }, (_, i) => `ft:gpt-4o-mini:org:pad-${i}`) : [];
    return { sse: false, value: wire.openAIModels([...models, ...padding]) };
  }
  if (route === "POST /v1/embeddings") {
    const inputs = Array.isArray(json.input) ? json.input : [json.input];
    // Deterministic floats of embedding-like width (~11 characters each, e.g. -0.75680250).
    const dimensions = big ? Math.ceil(BIG_BYTES / 10 / inputs.length) : 8;
    const data = inputs.map((_, index) => ({
      object: "embedding",
      index,
      embedding: Array.from({ length: dimensions }, (_, d) => Number(Math.sin(index * 31 + d + 1).toFixed(8))),
    }));
    return {
      sse: false,
      value: {
        object: "list",
        data,
        model,
        usage: { prompt_tokens: 4 * inputs.length, total_tokens: 4 * inputs.length },
      },
    };
  }
  if (route !== "POST /v1/chat/completions") return undefined;
  if (json.stream === true) {
    const usage = (json.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
    const events = wire.openAIChatChunks(model, words, { usage });
    // Big: every content delta carries a share of token logprobs, a real (and bulky) field.
    if (big) for (const event of events.slice(1, 1 + words.length)) withLogprobs(event, BIG_BYTES / words.length);
    return { sse: true, events };
  }
  const value = wire.openAIChat(model, words.join(""));
  if (big) withLogprobs(value, BIG_BYTES);
  return { sse: false, value };
}

/** Fills `choices[0].logprobs` with about `bytes` of token entries. */
function withLogprobs(target: object, bytes: number): void {
  const entry = { token: "pad", logprob: -0.0001, bytes: [112, 97, 100], top_logprobs: [] };
  const count = Math.ceil(bytes / JSON.stringify(entry).length);
  const choice = (target as { choices: Record<string, unknown>[] }).choices[0];
  if (choice) choice.logprobs = { content: Array.from({ length: count }, () => entry), refusal: null };
}

/** The healthy answer in its plainest shape. */
function plain(payload: Payload, sse: Parameters<typeof wire.sse>[1] = {}): WireAnswer {
  return payload.sse ? wire.sse(payload.events, sse) : wire.json(payload.value);
}

/** Offset of the middle of the body of `answer`. */
const half = (answer: WireAnswer) => Math.floor(Buffer.byteLength(answer.body ?? "") / 2);

function shape(behaviour: ChaosBehaviour, payload: Payload, request: WireRequest, settings: Settings): WireAnswer {
  const json = payload.sse ? undefined : JSON.stringify(payload.value);
  switch (behaviour) {
    case "ok":
    case "ok-big":
      return plain(payload);
    case "ok-chunked":
      return { ...plain(payload), framing: "chunked" };
    case "ok-close":
      return { ...plain(payload), framing: "close" };
    case "ok-gzip":
      return { ...plain(payload), encoding: "gzip" };
    case "ok-br":
      return { ...plain(payload), encoding: "br" };
    case "ok-deflate":
      return { ...plain(payload), encoding: "deflate" };
    case "ok-gzip-negotiated":
      return { ...plain(payload), encoding: "gzip", onlyIfAccepted: true };
    case "ok-crlf":
      return payload.sse
        ? plain(payload, { crlf: true })
        : { body: JSON.stringify(payload.value, null, 2).replace(/\n/g, "\r\n") };
    case "ok-comments":
      // Some relays (OpenRouter) keep a slow JSON answer alive with leading whitespace.
      return payload.sse ? plain(payload, { comments: true }) : { body: `\n\n\n${json}`, splitAt: [1, 2, 3] };
    case "ok-multiline":
      return payload.sse ? plain(payload, { multilineData: true }) : { body: JSON.stringify(payload.value, null, 2) };
    case "ok-one-byte":
      return { ...plain(payload), chunkSize: 1, splitAt: undefined };
    case "ok-trickle": {
      const answer = plain(payload);
      const fifth = Math.ceil(Buffer.byteLength(answer.body ?? "") / 5);
      return { ...answer, chunkDelayMs: settings.trickleMs, ...(payload.sse ? {} : { chunkSize: fifth }) };
    }
    case "ok-slow-headers":
      return { ...plain(payload), headerDelayMs: settings.okSlowHeadersMs };
    case "invalid": {
      const key = request.key ? `${request.key.slice(0, 3)}***${request.key.slice(-4)}` : "none";
      return wire.openAIError(
        401,
        `Incorrect API key provided: ${key}. You can find your API key at https://platform.openai.com/account/api-keys.`,
        "invalid_request_error",
        "invalid_api_key",
      );
    }
    case "no-quota":
      return wire.openAIError(
        429,
        "You exceeded your current quota, please check your plan and billing details.",
        "insufficient_quota",
        "insufficient_quota",
      );
    case "rate-limited":
      return wire.rateLimited({ retryAfter: "seconds", seconds: 1 });
    case "rate-limited-date":
      return wire.rateLimited({ retryAfter: "date", seconds: 2 });
    case "server-error":
      return wire.openAIError(500, "The server had an error while processing your request.", "server_error", null);
    case "html-502":
      return wire.htmlError(502);
    case "html-503":
      return wire.htmlError(503);
    case "html-504":
      return wire.htmlError(504);
    case "html-520":
      return wire.htmlError(520);
    case "empty-200":
      return { status: 200, body: "" };
    case "reset-before-headers":
      return { reset: "before-headers" };
    case "reset-after-headers":
      return { ...plain(payload), reset: "after-headers" };
    case "reset-mid-body": {
      const answer = plain(payload);
      return { ...answer, reset: { afterBytes: half(answer) } };
    }
    case "slow-headers":
      return { ...plain(payload), headerDelayMs: settings.slowHeadersMs };
    case "reset-mid-event": {
      const answer = plain(payload);
      // Event ends are the SSE answer's split points: two whole events, then half of the third.
      const [, second = 0, third = second] = answer.splitAt ?? [];
      const afterBytes = payload.sse ? second + Math.max(1, Math.floor((third - second) / 2)) : half(answer);
      return { ...answer, reset: { afterBytes } };
    }
    case "cut-mid-stream": {
      if (payload.sse) return wire.sse(payload.events.slice(0, 3), { done: false, framing: "close" });
      return { body: (json ?? "").slice(0, Math.floor((json ?? "").length / 2)), framing: "close" };
    }
  }
}
