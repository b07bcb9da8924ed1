/**
 * Chaos presets for the adversarial upstream of `@keyhive/gateway/testing`: an OpenAI-compatible route whose every key picks
 * one wire shape, healthy or failing, for chat completions (JSON and SSE), embeddings and models.
 */
import type { WireRoute } from "@keyhive/gateway/testing";
import type { ChaosBehaviour, Settings } from "./openai-chaos-behaviours.js";
import { healthyPayload } from "./openai-chaos-payloads.js";
import { shape } from "./openai-chaos-shapes.js";
import { openAIWire } from "./openai-wire.js";

export {
  CHAOS_FAILING_BEFORE_FIRST_BYTE,
  CHAOS_FAILING_MID_STREAM,
  CHAOS_HEALTHY,
  type ChaosBehaviour,
} from "./openai-chaos-behaviours.js";

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
      return openAIWire.error(404, `Invalid URL (${request.method} ${pathname})`, "invalid_request_error", null);
    }
    return shape(behaviour ?? "invalid", payload, request, settings);
  };
}
