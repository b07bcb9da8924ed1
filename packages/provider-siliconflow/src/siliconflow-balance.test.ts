import { describe, expect, it } from "vitest";
import { createSiliconFlow } from "./siliconflow-provider.js";

const KEY = { id: "siliconflow-test", secret: `sk-${"a".repeat(48)}` };

/** A fetch that answers every call with one canned response, recording the request. */
function canned(status: number, body: string, headers: Record<string, string> = {}) {
  const calls: { url: string; headers: Headers }[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(input), headers: new Headers(init?.headers) });
    return new Response(body, { status, headers: { "content-type": "application/json", ...headers } });
  }) as typeof fetch;
  return { fetchImpl, calls };
}

const userInfo = (data: Record<string, unknown>) =>
  JSON.stringify({ code: 20000, message: "OK", status: true, data: { id: "u", name: "n", ...data } });

describe("SiliconFlow balance check", () => {
  it("calls GET <baseURL>/user/info with the key as a bearer token", async () => {
    const { fetchImpl, calls } = canned(200, userInfo({ balance: "1", chargeBalance: "0", totalBalance: "1" }));
    await createSiliconFlow({ fetch: fetchImpl }).checkKey(KEY);
    expect(calls[0]?.url).toBe("https://api.siliconflow.cn/v1/user/info");
    expect(calls[0]?.headers.get("authorization")).toBe(`Bearer ${KEY.secret}`);
  });

  it("uses a key's own base URL without doubling /v1", async () => {
    const { fetchImpl, calls } = canned(200, userInfo({ totalBalance: "1" }));
    await createSiliconFlow({ fetch: fetchImpl }).checkKey({ ...KEY, baseURL: "https://api.siliconflow.com/v1/" });
    expect(calls[0]?.url).toBe("https://api.siliconflow.com/v1/user/info");
  });

  it("reports a balance at or below the threshold as exhausted, saying free models still work", async () => {
    const { fetchImpl } = canned(200, userInfo({ balance: "0.50", chargeBalance: "0.00", totalBalance: "0.50" }));
    const result = await createSiliconFlow({ fetch: fetchImpl, balanceThreshold: 1 }).checkKey(KEY);
    expect(result).toMatchObject({ status: "exhausted", balance: 0.5 });
    expect(result.status === "exhausted" && result.message).toMatch(/free models/);
  });

  it("reports a balance above the threshold as valid", async () => {
    const { fetchImpl } = canned(200, userInfo({ balance: "0.50", chargeBalance: "1.00", totalBalance: "1.50" }));
    expect(await createSiliconFlow({ fetch: fetchImpl, balanceThreshold: 1 }).checkKey(KEY)).toMatchObject({
      status: "valid",
      balance: 1.5,
    });
  });

  it("treats a negative balance (arrears) as exhausted", async () => {
    const { fetchImpl } = canned(200, userInfo({ balance: "0.00", chargeBalance: "-0.01", totalBalance: "-0.01" }));
    expect(await createSiliconFlow({ fetch: fetchImpl }).checkKey(KEY)).toMatchObject({
      status: "exhausted",
      balance: -0.01,
    });
  });

  it.each([
    ["an unparsable body", 200, "<html>maintenance</html>"],
    ["a body without totalBalance", 200, userInfo({ balance: "3.00" })],
    ["a non-numeric totalBalance", 200, userInfo({ totalBalance: "n/a" })],
    ["an empty totalBalance", 200, userInfo({ totalBalance: "" })],
    ["status:false", 200, JSON.stringify({ code: 50000, status: false, message: "busy", data: null })],
    ["a 500", 500, JSON.stringify({ code: 50000, message: "Internal error", data: null })],
    ["a 503", 503, JSON.stringify({ code: 50505, message: "overloaded", data: null })],
    ["a retired endpoint (410)", 410, JSON.stringify({ code: 410, message: "Gone", data: null })],
    ["a 429", 429, JSON.stringify({ message: "rate limited", data: null })],
  ])("reports %s as a check error, never as balance 0", async (_name, status, body) => {
    const { fetchImpl } = canned(status, body);
    const result = await createSiliconFlow({ fetch: fetchImpl }).checkKey(KEY);
    expect(result.status).toBe("error");
    expect(result).not.toHaveProperty("balance");
  });

  it("reports a network failure as an error", async () => {
    const failing = (async () => {
      throw new TypeError("fetch failed");
    }) as typeof fetch;
    expect(await createSiliconFlow({ fetch: failing }).checkKey(KEY)).toEqual({
      status: "error",
      message: "network: fetch failed",
    });
  });

  it.each([401, 403])("reports %i as invalid", async (status) => {
    const { fetchImpl } = canned(status, "Invalid token", { "content-type": "text/plain" });
    expect(await createSiliconFlow({ fetch: fetchImpl }).checkKey(KEY)).toEqual({
      status: "invalid",
      message: "Invalid token",
    });
  });
});

describe("SiliconFlow settings", () => {
  it("accepts a configured key pattern instead of the default", () => {
    const provider = createSiliconFlow({ keyPattern: /^sk-[a-z0-9]{40,64}$/ });
    expect(provider.validateKeyFormat(`sk-${"a1".repeat(25)}`)).toEqual({ ok: true });
    expect(provider.validateKeyFormat(`sk-${"a".repeat(30)}`).ok).toBe(false);
  });

  it("offers a default free-model list and takes a configured one", () => {
    expect(createSiliconFlow().freeModels).toEqual(expect.arrayContaining(["Qwen/Qwen3-8B", "BAAI/bge-m3"]));
    expect(createSiliconFlow({ freeModels: ["Qwen/Qwen3-8B"] }).freeModels).toEqual(["Qwen/Qwen3-8B"]);
  });

  it("has a balance, a fixed id and the public base URL by default", () => {
    const provider = createSiliconFlow();
    expect(provider).toMatchObject({ id: "siliconflow", hasBalance: true });
    const upstream = provider.rewriteRequest(
      { api: "openai", method: "GET", path: "/models", search: "", headers: new Headers(), body: null, stream: false },
      KEY,
    );
    expect(upstream.url).toBe("https://api.siliconflow.cn/v1/models");
  });

  it("sends configured extra headers on every upstream request", () => {
    const provider = createSiliconFlow({ headers: { "x-team": "blue" } });
    const upstream = provider.rewriteRequest(
      { api: "openai", method: "GET", path: "/models", search: "", headers: new Headers(), body: null, stream: false },
      KEY,
    );
    expect(upstream.headers.get("x-team")).toBe("blue");
  });
});

describe("the SiliconFlow mock's live failures", () => {
  it("classify as rate limited (with retry-after) and upstream error", async () => {
    const { startMockSiliconFlow } = await import("./testing.js");
    const limited = `sk-${"r".repeat(48)}`;
    const busy = `sk-${"s".repeat(48)}`;
    const mock = await startMockSiliconFlow({ keys: { [limited]: "rate-limited", [busy]: "overloaded" } });
    const provider = createSiliconFlow({ baseURL: mock.baseURL });
    const call = async (secret: string) => {
      const response = await fetch(`${mock.baseURL}/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "Qwen/Qwen3-8B", messages: [] }),
      });
      return {
        status: response.status,
        headers: response.headers,
        body: await response.text(),
        model: "Qwen/Qwen3-8B",
      };
    };
    try {
      expect(provider.classifyFailure(await call(limited))).toMatchObject({
        kind: "rate_limited",
        retryAfterMs: 2000,
        scope: "model",
      });
      expect(provider.classifyFailure(await call(busy))).toMatchObject({ kind: "upstream_error" });
    } finally {
      await mock.close();
    }
  });
});
