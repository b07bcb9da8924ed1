import { joinURL } from "@keyhive/gateway";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifyOpenAIFailure, parseResetDuration } from "./openai-errors.js";
import { createOpenAI } from "./openai-provider.js";
import { type MockOpenAI, startMockOpenAI } from "./testing.js";

const RELAY_KEY = "relay-token-abcdef";

const chat = {
  api: "openai" as const,
  method: "POST",
  path: "/chat/completions",
  search: "",
  headers: new Headers({ "content-type": "application/json" }),
  body: new TextEncoder().encode(JSON.stringify({ model: "gpt-4o-mini", messages: [] })).buffer as ArrayBuffer,
  stream: false,
};

describe("per-key base URLs (relays)", () => {
  it.each([
    ["https://relay.example/v1", "https://relay.example/v1/chat/completions"],
    ["https://relay.example/v1/", "https://relay.example/v1/chat/completions"],
    ["https://relay.example/openai/v1", "https://relay.example/openai/v1/chat/completions"],
    ["https://relay.example/api/v3", "https://relay.example/api/v3/chat/completions"],
  ])("joins %s without doubling the version", (baseURL, expected) => {
    const upstream = createOpenAI().rewriteRequest(chat, { id: "k", secret: RELAY_KEY, baseURL });
    expect(upstream.url).toBe(expected);
  });

  it("never doubles /v1 even when a path carries it", () => {
    expect(joinURL("https://relay.example/v1", "/v1/chat/completions")).toBe(
      "https://relay.example/v1/chat/completions",
    );
  });

  it("falls back to the provider base URL for keys without one", () => {
    expect(createOpenAI().rewriteRequest(chat, { id: "k", secret: RELAY_KEY }).url).toBe(
      "https://api.openai.com/v1/chat/completions",
    );
  });

  describe("against a relay mock under /openai/v1", () => {
    let relay: MockOpenAI;
    beforeAll(async () => {
      relay = await startMockOpenAI({ keys: { [RELAY_KEY]: "ok" }, prefix: "/openai/v1" });
    });
    afterAll(() => relay.close());

    it("checks and lists models at the key's own base URL", async () => {
      // The provider's default base URL is unreachable: only the per-key one can answer.
      const provider = createOpenAI({ baseURL: "http://127.0.0.1:9/v1" });
      const key = { id: "k", secret: RELAY_KEY, baseURL: `${relay.url}/openai/v1` };
      expect(await provider.checkKey(key)).toEqual({ status: "valid" });
      expect((await provider.listModels(key)).map((m) => m.id)).toContain("gpt-4o-mini");
      expect(relay.requests.map((r) => r.path)).toEqual(["/openai/v1/models", "/openai/v1/models"]);
    });
  });
});

describe("OpenAI rate-limit headers", () => {
  const limited = (headers: Record<string, string>) =>
    classifyOpenAIFailure({
      status: 429,
      headers: new Headers(headers),
      body: JSON.stringify({ error: { message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded" } }),
    });

  it("prefers retry-after (seconds)", () => {
    expect(limited({ "retry-after": "3", "x-ratelimit-reset-requests": "6m0s" })).toMatchObject({ retryAfterMs: 3000 });
  });

  it("uses the later of the x-ratelimit-reset-* headers without retry-after", () => {
    expect(limited({ "x-ratelimit-reset-requests": "1m30s", "x-ratelimit-reset-tokens": "250ms" })).toMatchObject({
      retryAfterMs: 90_000,
    });
  });

  it("leaves the cooldown to the pool when no header says", () => {
    expect(limited({})).toEqual({ kind: "rate_limited", message: "Rate limit reached", retryAfterMs: undefined });
  });

  it.each([
    ["20ms", 20],
    ["1s", 1000],
    ["6m0s", 360_000],
    ["1h2m3.5s", 3_723_500],
    ["garbage", undefined],
  ])("parses the reset duration %s", (value, ms) => {
    expect(parseResetDuration(value)).toBe(ms);
  });

  it("classifies insufficient_quota as exhausted, not rate limited", () => {
    const cls = classifyOpenAIFailure({
      status: 429,
      headers: new Headers({ "retry-after": "1" }),
      body: JSON.stringify({
        error: { message: "You exceeded your current quota", type: "insufficient_quota", code: "insufficient_quota" },
      }),
    });
    expect(cls.kind).toBe("key_exhausted");
  });
});
