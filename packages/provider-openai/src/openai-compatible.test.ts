import type { PoolKey, UpstreamFailure } from "@keyhive/gateway";
import { describe, expect, it } from "vitest";
import { createOpenAICompatible } from "./openai-compatible.js";
import type { OpenAICompatibleCall } from "./openai-compatible-calls.js";

const KEY: PoolKey = { id: "k", secret: "zph-0123456789abcdef" };
const failure = (status: number, body: unknown = {}): UpstreamFailure => ({
  status,
  headers: new Headers(),
  body: JSON.stringify(body),
});

/** An upstream stand-in that answers every call with `status` and records what it was asked. */
function fakeUpstream(status: number, body: unknown) {
  const calls: { url: string; authorization: string | null }[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(input), authorization: new Headers(init?.headers).get("authorization") });
    return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  }) as typeof globalThis.fetch;
  return { calls, fetch };
}

describe("createOpenAICompatible: what a vendor sets", () => {
  it("describes a rejected key by the vendor's name and example, never echoing it", () => {
    const provider = createOpenAICompatible({
      id: "zephyr",
      baseURL: "https://api.zephyr.example/v1",
      name: "Zephyr",
      keyPattern: /^zph-[a-z0-9]{16}$/,
      keyExample: '"zph-" + 16 letters or digits',
    });
    expect(provider.validateKeyFormat(KEY.secret)).toEqual({ ok: true });
    expect(provider.validateKeyFormat("sk-wrong-shape-123")).toEqual({
      ok: false,
      reason: 'not a Zephyr key: expected /^zph-[a-z0-9]{16}$/ (e.g. "zph-" + 16 letters or digits), got 18 characters',
    });
  });

  it("claims no bare model without a modelPattern, and passes balance facts through", () => {
    const plain = createOpenAICompatible({ id: "plain", baseURL: "https://plain.example/v1" });
    expect(plain.claimsModel).toBeUndefined();
    expect(plain.hasBalance).toBe(false);
    expect("freeModels" in plain).toBe(false);
    const rich = createOpenAICompatible({
      id: "rich",
      baseURL: "https://r.example",
      hasBalance: true,
      freeModels: ["m"],
    });
    expect(rich.hasBalance).toBe(true);
    expect(rich.freeModels).toEqual(["m"]);
  });

  it("layers the vendor's classification over the OpenAI base", () => {
    const provider = createOpenAICompatible({
      id: "zephyr",
      baseURL: "https://api.zephyr.example/v1",
      classifyFailure: (f, base) => (f.status === 409 ? { kind: "upstream_error", message: "busy" } : base(f)),
    });
    expect(provider.classifyFailure(failure(409))).toEqual({ kind: "upstream_error", message: "busy" });
    expect(provider.classifyFailure(failure(401, { error: { message: "bad key" } }))).toEqual({
      kind: "key_invalid",
      message: "bad key",
    });
    expect(provider.classifyFailure(failure(402, { error: { message: "no credit" } })).kind).toBe("key_exhausted");
  });
});

describe("createOpenAICompatible: the calls it makes itself", () => {
  it("hands a custom checkKey the call resolved for the key (its own base URL, its auth)", async () => {
    const seen: OpenAICompatibleCall[] = [];
    const provider = createOpenAICompatible({
      id: "zephyr",
      baseURL: "https://api.zephyr.example/v1",
      headers: { "x-team": "a" },
      checkKey: async (_key, call) => {
        seen.push(call);
        return { status: "valid", balance: 1 };
      },
    });
    expect(await provider.checkKey({ ...KEY, baseURL: "https://relay.example/v1" })).toEqual({
      status: "valid",
      balance: 1,
    });
    expect(seen[0]?.baseURL).toBe("https://relay.example/v1");
    expect(seen[0]?.headers.get("authorization")).toBe(`Bearer ${KEY.secret}`);
    expect(seen[0]?.headers.get("x-team")).toBe("a");
  });

  it("checks a key by listing models, classifying a refusal with the vendor's classification", async () => {
    const upstream = fakeUpstream(409, { error: { message: "locked" } });
    const provider = createOpenAICompatible({
      id: "zephyr",
      baseURL: "https://api.zephyr.example/v1",
      fetch: upstream.fetch,
      classifyFailure: (f, base) => (f.status === 409 ? { kind: "key_invalid", message: "locked" } : base(f)),
    });
    expect(await provider.checkKey(KEY)).toEqual({ status: "invalid", message: "locked" });
    expect(upstream.calls).toEqual([
      { url: "https://api.zephyr.example/v1/models", authorization: `Bearer ${KEY.secret}` },
    ]);
  });

  it("names the vendor when listing models fails", async () => {
    const upstream = fakeUpstream(503, {});
    const provider = createOpenAICompatible({
      id: "z",
      baseURL: "https://z.example",
      name: "Zephyr",
      fetch: upstream.fetch,
    });
    await expect(provider.listModels(KEY)).rejects.toThrow("Listing Zephyr models failed: HTTP 503");
  });
});
