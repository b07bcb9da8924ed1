/**
 * OpenAI's payload shapes for the adversarial upstream of `@keyhive/gateway/testing`: chat
 * completions (whole and as stream chunks), model lists, errors and rate limits.
 */
import { type WireAnswer, type WireRateLimitOptions, wire } from "@keyhive/gateway/testing";

/** OpenAI's token counts. */
export interface OpenAIUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** Builders of OpenAI's payloads and of the answers that carry them. */
export const openAIWire = {
  /** A `chat.completion` object whose single choice says `content`. */
  chat(model: string, content: string, usage?: OpenAIUsage) {
    const tokens = content.split(" ").filter(Boolean).length;
    return {
      id: "chatcmpl-adversarial",
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [
        {
          index: 0,
          message: { role: "assistant", content, refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: "stop",
        },
      ],
      usage: usage ?? { prompt_tokens: 9, completion_tokens: tokens, total_tokens: 9 + tokens },
      system_fingerprint: "fp_adversarial",
    };
  },

  /**
   * The `chat.completion.chunk`s of a streamed answer: the role first, one chunk per word, the
   * finish reason, and with `usage` a final chunk with `choices: []` (as `include_usage` asks;
   * the earlier chunks then carry `usage: null`, as OpenAI's do).
   */
  chatChunks(model: string, words: string[], options: { usage?: boolean } = {}) {
    const created = Math.floor(Date.now() / 1000);
    const chunk = (delta: Record<string, unknown>, finish: string | null) => ({
      id: "chatcmpl-adversarial",
      object: "chat.completion.chunk",
      created,
      model,
      system_fingerprint: "fp_adversarial",
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...(options.usage ? { usage: null } : {}),
    });
    const chunks: object[] = [
      chunk({ role: "assistant", content: "", refusal: null }, null),
      ...words.map((word) => chunk({ content: word }, null)),
      chunk({}, "stop"),
    ];
    if (options.usage) {
      const usage = { prompt_tokens: 9, completion_tokens: words.length, total_tokens: 9 + words.length };
      chunks.push({ ...chunk({}, null), choices: [], usage });
    }
    return chunks;
  },

  /** `GET /v1/models` of these ids. */
  models(ids: string[]) {
    return {
      object: "list",
      data: ids.map((id) => ({ id, object: "model", created: 1_700_000_000, owned_by: "system" })),
    };
  },

  /** An OpenAI error answer: `{"error":{"message","type","param":null,"code"}}`. */
  error(status: number, message: string, type: string, code: string | null): WireAnswer {
    return { status, body: JSON.stringify({ error: { message, type, param: null, code } }) };
  },

  /**
   * OpenAI's 429 `rate_limit_exceeded`, `retry-after` in either legal form. OpenAI's
   * `x-ratelimit-reset-requests` comes only with the seconds form, so a date-form test checks
   * that the date alone is understood.
   */
  rateLimited(options: Omit<WireRateLimitOptions, "body" | "headers">): WireAnswer {
    return wire.rateLimited({
      ...options,
      body: {
        error: {
          message: "Rate limit reached for requests per min (RPM): Limit 3, Used 3, Requested 1.",
          type: "requests",
          param: null,
          code: "rate_limit_exceeded",
        },
      },
      headers: options.retryAfter === "seconds" ? { "x-ratelimit-reset-requests": `${options.seconds}s` } : {},
    });
  },
};
