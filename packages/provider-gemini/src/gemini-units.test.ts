import { describe, expect, it } from "vitest";
import { classifyGeminiFailure, msUntilPacificMidnight, parseDuration } from "./gemini-errors.js";
import { createGemini } from "./gemini-provider.js";
import { describeGeminiPath } from "./gemini-routes.js";
import { GEMINI_KEYS as K } from "./gemini-test-keys.js";
import { startMockGemini } from "./testing.js";

const request = (over: Partial<Parameters<ReturnType<typeof createGemini>["rewriteRequest"]>[0]> = {}) => ({
  api: "native" as const,
  method: "POST",
  path: "/v1beta/models/gemini-2.0-flash:streamGenerateContent",
  // As the gateway hands it over: the client's `?key=` and `x-goog-api-key` already removed.
  search: "?alt=sse",
  headers: new Headers({ "x-goog-api-client": "google-genai-sdk/2.32.0" }),
  body: null,
  stream: true,
  ...over,
});

describe("Gemini routes", () => {
  it.each([
    ["/v1beta/models/gemini-2.0-flash:generateContent", { model: "gemini-2.0-flash", stream: false }],
    ["/v1beta/models/gemini-2.0-flash:streamGenerateContent", { model: "gemini-2.0-flash", stream: true }],
    ["/v1beta/models/text-embedding-004:batchEmbedContents", { model: "text-embedding-004", stream: false }],
    ["/v1beta/models/gemini-2.5-pro", { model: "gemini-2.5-pro", stream: false }],
    ["/v1beta/models", {}],
  ])("describes %s", (path, expected) => {
    expect(describeGeminiPath(path)).toEqual(expected);
  });

  it("declares the native routes and the x-goog-api-key client header", () => {
    const provider = createGemini();
    expect(provider.clientKeyHeaders).toEqual(["x-goog-api-key"]);
    expect(provider.nativeRoutes?.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /v1beta/models/:action{.+}",
      "GET /v1beta/models",
      "GET /v1beta/models/:model",
    ]);
  });
});

describe("Gemini request rewriting", () => {
  it("sends the pool key only in x-goog-api-key and keeps the other query parameters", () => {
    const upstream = createGemini().rewriteRequest(request(), { id: "g", secret: K.ok });
    expect(upstream.url).toBe(
      "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse",
    );
    expect(upstream.headers.get("x-goog-api-key")).toBe(K.ok);
    expect(upstream.headers.get("authorization")).toBeNull();
    expect(upstream.headers.get("x-goog-api-client")).toBe("google-genai-sdk/2.32.0");
  });

  it("targets /v1beta/openai with a bearer key for OpenAI-format requests", () => {
    const upstream = createGemini().rewriteRequest(
      request({
        api: "openai",
        path: "/chat/completions",
        search: "",
        headers: new Headers({ authorization: "Bearer kh" }),
      }),
      { id: "g", secret: K.ok },
    );
    expect(upstream.url).toBe("https://generativelanguage.googleapis.com/v1beta/openai/chat/completions");
    expect(upstream.headers.get("authorization")).toBe(`Bearer ${K.ok}`);
    expect(upstream.headers.get("x-goog-api-key")).toBeNull();
  });

  it("honours a per-key base URL, even one that already ends in /v1beta", () => {
    const upstream = createGemini().rewriteRequest(request({ search: "" }), {
      id: "g",
      secret: K.ok,
      baseURL: "https://relay.example/gemini/v1beta/",
    });
    expect(upstream.url).toBe("https://relay.example/gemini/v1beta/models/gemini-2.0-flash:streamGenerateContent");
  });
});

describe("Gemini key formats", () => {
  it("names the accepted shapes when rejecting a key", () => {
    const result = createGemini().validateKeyFormat("AIzaTooShort");
    expect(result.ok).toBe(false);
    const reason = result.ok ? "" : result.reason;
    expect(reason).toContain('"AIza"');
    expect(reason).toContain('"AQ."');
    expect(reason).toContain("not 39");
  });

  it("says a Keyhive client token is not a Google key", () => {
    const result = createGemini().validateKeyFormat("kh-abcdefghijklmnopqrstuvwxyz0123456789");
    expect(result.ok ? "" : result.reason).toMatch(/Keyhive client token/);
  });

  it("accepts configured extra patterns", () => {
    const provider = createGemini({ keyPatterns: [/^relay-[a-z]{8}$/] });
    expect(provider.validateKeyFormat("relay-abcdefgh")).toEqual({ ok: true });
    expect(provider.validateKeyFormat(K.ok).ok).toBe(false);
  });
});

describe("Gemini failure details", () => {
  it("parses protobuf durations", () => {
    expect(parseDuration("37s")).toBe(37_000);
    expect(parseDuration("1.5s")).toBe(1_500);
    expect(parseDuration("soon")).toBeUndefined();
  });

  it("computes the time to the Pacific-midnight daily reset", () => {
    // 2026-01-15 07:30:00 UTC is 23:30 PST: the reset is half an hour away.
    expect(msUntilPacificMidnight(Date.UTC(2026, 0, 15, 7, 30))).toBe(30 * 60_000);
    // 2026-07-15 08:00:00 UTC is 01:00 PDT: 23 hours to go.
    expect(msUntilPacificMidnight(Date.UTC(2026, 6, 15, 8, 0))).toBe(23 * 3_600_000);
  });

  it("cools a per-day quota until the daily reset rather than RetryInfo's few seconds", () => {
    const body = JSON.stringify({
      error: {
        code: 429,
        message: "Quota exceeded",
        status: "RESOURCE_EXHAUSTED",
        details: [
          {
            "@type": "type.googleapis.com/google.rpc.QuotaFailure",
            violations: [{ quotaId: "GenerateRequestsPerDayPerProjectPerModel-FreeTier" }],
          },
          { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "22s" },
        ],
      },
    });
    const cls = classifyGeminiFailure({ status: 429, headers: new Headers(), body }, Date.UTC(2026, 0, 15, 7, 30));
    expect(cls).toMatchObject({ kind: "rate_limited", window: "day", scope: "model", retryAfterMs: 30 * 60_000 });
  });

  it("falls back to retry-after when there is no RetryInfo", () => {
    const body = JSON.stringify({
      error: { code: 429, message: "Too many requests per minute", status: "RESOURCE_EXHAUSTED" },
    });
    const cls = classifyGeminiFailure({ status: 429, headers: new Headers({ "retry-after": "5" }), body });
    expect(cls).toMatchObject({ kind: "rate_limited", window: "minute", retryAfterMs: 5000 });
  });
});

describe("Gemini model listing", () => {
  it("follows nextPageToken across pages", async () => {
    const mock = await startMockGemini({ keys: { [K.ok]: "ok" }, maxPageSize: 2 });
    try {
      const models = await createGemini({ baseURL: mock.baseURL }).listModels({ id: "g", secret: K.ok });
      expect(models.map((m) => m.id)).toEqual([
        "gemini-2.0-flash",
        "gemini-2.0-flash-lite",
        "gemini-2.5-flash",
        "gemini-2.5-pro",
        "gemma-3-27b-it",
        "text-embedding-004",
        "gemini-embedding-001",
      ]);
      const listings = mock.requests.filter((r) => r.path.startsWith("/v1beta/models?"));
      expect(listings).toHaveLength(4);
      expect(listings[1]?.path).toContain("pageToken=");
      expect(listings.every((r) => r.keySource === "header")).toBe(true);
    } finally {
      await mock.close();
    }
  });

  it("needs a key", async () => {
    await expect(createGemini().listModels(undefined)).rejects.toThrow(/needs a key/);
  });
});

describe("the Gemini mock's live answers", () => {
  it("accepts ?key= as well as x-goog-api-key, and its quota answers classify by window", async () => {
    const mock = await startMockGemini({ keys: { [K.ok]: "ok", [K.minute]: "minute-quota", [K.day]: "day-quota" } });
    const provider = createGemini({ baseURL: mock.baseURL });
    const call = async (key: string) => {
      const response = await fetch(`${mock.baseURL}/v1beta/models/gemini-2.0-flash:generateContent?key=${key}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ contents: [{ parts: [{ text: "hi" }] }] }),
      });
      return { status: response.status, headers: response.headers, body: await response.text() };
    };
    try {
      expect((await call(K.ok)).status).toBe(200);
      expect(mock.requests.at(-1)?.keySource).toBe("query");
      expect(provider.classifyFailure(await call(K.minute))).toMatchObject({
        kind: "rate_limited",
        window: "minute",
        retryAfterMs: 37_000,
      });
      expect(provider.classifyFailure(await call(K.day))).toMatchObject({ kind: "rate_limited", window: "day" });
      expect(provider.classifyFailure(await call(K.invalid))).toMatchObject({ kind: "key_invalid" });
    } finally {
      await mock.close();
    }
  });
});
