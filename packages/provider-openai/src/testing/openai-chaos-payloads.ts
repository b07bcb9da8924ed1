/** The payloads `openAIChaosRoute` answers with before a behaviour gives them a shape. */
import type { WireRequest } from "@keyhive/gateway/testing";
import { BIG_BYTES, type Payload } from "./openai-chaos-behaviours.js";
import { openAIWire } from "./openai-wire.js";

/** The complete, correct answer to `request` (undefined: not a route the chaos route serves). */
export function healthyPayload(
  request: WireRequest,
  words: string[],
  models: string[],
  big: boolean,
): Payload | undefined {
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
    return { sse: false, value: openAIWire.models([...models, ...padding]) };
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
    const events = openAIWire.chatChunks(model, words, { usage });
    // Big: every content delta carries a share of token logprobs, a real (and bulky) field.
    if (big) for (const event of events.slice(1, 1 + words.length)) withLogprobs(event, BIG_BYTES / words.length);
    return { sse: true, events };
  }
  const value = openAIWire.chat(model, words.join(""));
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
