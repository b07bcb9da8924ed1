import { type AdversarialUpstream, rawGet, startAdversarialUpstream } from "@keyhive/gateway/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CHAOS_FAILING_BEFORE_FIRST_BYTE,
  CHAOS_FAILING_MID_STREAM,
  CHAOS_HEALTHY,
  chaosWords,
} from "./openai-chaos.js";
import { openAIWire } from "./openai-wire.js";

describe("openAIWire", () => {
  it("builds real OpenAI shapes", () => {
    const behaviours = [...CHAOS_HEALTHY, ...CHAOS_FAILING_BEFORE_FIRST_BYTE, ...CHAOS_FAILING_MID_STREAM];
    expect(chaosWords(8).join("")).toBe("w0 w1 w2 w3 w4 w5 w6 w7");
    expect(openAIWire.chat("m", "a b")).toMatchObject({
      object: "chat.completion",
      model: "m",
      choices: [{ index: 0, message: { role: "assistant", content: "a b" }, finish_reason: "stop" }],
      usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 },
    });
    const chunks = openAIWire.chatChunks("m", ["a", " b"], { usage: true }) as Record<string, unknown>[];
    expect(chunks.map((c) => (c.choices as { delta?: unknown }[])[0]?.delta)).toEqual([
      { role: "assistant", content: "", refusal: null },
      { content: "a" },
      { content: " b" },
      {},
      undefined,
    ]);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: 2 } });
    expect(openAIWire.models(["x"])).toEqual({
      object: "list",
      data: [{ id: "x", object: "model", created: 1_700_000_000, owned_by: "system" }],
    });
    expect(new Set(behaviours).size).toBe(behaviours.length);
  });

  describe("on the wire", () => {
    let upstream: AdversarialUpstream;
    beforeAll(async () => {
      upstream = await startAdversarialUpstream();
    });
    afterAll(() => upstream.close());

    it("rateLimited is OpenAI's rate_limit_exceeded; the seconds form adds x-ratelimit-reset-requests", async () => {
      const seconds = await rawGet(upstream, openAIWire.rateLimited({ retryAfter: "seconds", seconds: 7 }));
      expect(seconds.response?.status).toBe(429);
      expect(seconds.response?.headers["retry-after"]).toBe("7");
      expect(seconds.response?.headers["x-ratelimit-reset-requests"]).toBe("7s");
      expect(JSON.parse(seconds.response?.body.toString() ?? "").error).toMatchObject({
        type: "requests",
        param: null,
        code: "rate_limit_exceeded",
      });
      const date = await rawGet(upstream, openAIWire.rateLimited({ retryAfter: "date", seconds: 30 }));
      expect(date.response?.headers["retry-after"]).toMatch(/GMT$/);
      expect(date.response?.headers["x-ratelimit-reset-requests"]).toBeUndefined();
      expect(JSON.parse(date.response?.body.toString() ?? "").error.code).toBe("rate_limit_exceeded");
    });

    it("error is OpenAI's error object with param null", async () => {
      const { response } = await rawGet(
        upstream,
        openAIWire.error(401, "nope", "invalid_request_error", "invalid_api_key"),
      );
      expect(response?.status).toBe(401);
      expect(JSON.parse(response?.body.toString() ?? "")).toEqual({
        error: { message: "nope", type: "invalid_request_error", param: null, code: "invalid_api_key" },
      });
    });
  });
});
