/**
 * The provider conformance kit: one shared vitest suite every adapter runs in a few lines,
 * against a real HTTP mock of its upstream and recorded failures from `__fixtures__/`.
 *
 * ```ts
 * testProvider({
 *   name: "siliconflow",
 *   provider: (baseURL) => createSiliconFlow({ baseURL }),
 *   mock: () => startMockSiliconFlow({ keys: { [KEY]: "ok" } }),
 *   validKeys: [KEY],
 *   invalidKeyFormats: ["kh-client-token", ""],
 *   workingKey: KEY,
 *   requests: [{ name: "chat", path: "/chat/completions", json: { model: "Qwen/Qwen3-8B" }, upstreamPath: "/v1/chat/completions" }],
 *   stream: { name: "chat stream", path: "/chat/completions", json: { model: "Qwen/Qwen3-8B", stream: true }, upstreamPath: "/v1/chat/completions" },
 *   fixtures: new URL("./__fixtures__/", import.meta.url),
 *   failures: { "401-invalid-token": { kind: "key_invalid" } },
 * });
 * ```
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PoolKey, Provider, UpstreamRequest } from "../spec/provider.js";
import { CLIENT_SECRET, clientRequest, deadURL, loadRecordedFailures } from "./provider-case-requests.js";
import type { ProviderCaseOptions, ProviderCaseRequest, ProviderMock } from "./provider-case-types.js";

export { clientRequest, loadRecordedFailures } from "./provider-case-requests.js";
export type {
  ProviderCaseOptions,
  ProviderCaseRequest,
  ProviderMock,
  RecordedFailure,
} from "./provider-case-types.js";

/** What each part of the suite reads: the options, and the mock and provider once started. */
interface Suite<M extends ProviderMock> {
  o: ProviderCaseOptions<M>;
  mock(): M;
  provider(): Provider;
  poolKey(secret: string): PoolKey;
}

export function testProvider<M extends ProviderMock>(o: ProviderCaseOptions<M>): void {
  describe(`${o.name} provider conformance`, () => {
    let mock: M;
    let provider: Provider;
    beforeAll(async () => {
      mock = await o.mock();
      provider = o.provider(mock.baseURL);
    });
    afterAll(async () => {
      await mock?.close();
    });
    const suite: Suite<M> = {
      o,
      mock: () => mock,
      provider: () => provider,
      poolKey: (secret) => ({ id: `${o.name}-test`, secret }),
    };
    contractTests(suite);
    declarationTests(o);
    requestTests(suite);
    streamTest(suite);
    failureTests(suite);
    checkTests(suite);
  });
}

/** The contract's version and id, key formats, and model claims. */
function contractTests<M extends ProviderMock>({ o, provider }: Suite<M>): void {
  it("implements the v1 contract with a well-formed id", () => {
    expect(provider().specificationVersion).toBe("v1");
    expect(provider().id).toMatch(/^[a-z0-9-]+$/);
  });

  it.each(o.validKeys.map((k) => [k]))("accepts the key format %s", (secret) => {
    expect(provider().validateKeyFormat(secret)).toEqual({ ok: true });
  });

  it.each(o.invalidKeyFormats.map((k) => [k]))("rejects %j with a reason that does not echo it", (secret) => {
    const result = provider().validateKeyFormat(secret);
    expect(result.ok).toBe(false);
    const reason = result.ok ? "" : result.reason;
    expect(reason.length).toBeGreaterThan(5);
    if (secret.length > 8) expect(reason).not.toContain(secret);
  });

  if (o.claims) {
    it("claims its models and leaves others alone", () => {
      for (const model of o.claims?.yes ?? []) expect(provider().claimsModel?.(model), model).toBe(true);
      for (const model of o.claims?.no ?? []) expect(provider().claimsModel?.(model) ?? false, model).toBe(false);
    });
  }
}

/**
 * What the adapter declares it serves besides the OpenAI-compatible operations — each surface
 * (`surfaces`) and vendor pass-through (`passThroughPrefixes`) — must have a request in the
 * suite (`requests` with that `api`), which `requestTests` then rewrites and serves like any other.
 * Read from an adapter built with a placeholder URL: declarations must not depend on the network.
 */
function declarationTests<M extends ProviderMock>(o: ProviderCaseOptions<M>): void {
  const declared = o.provider("http://127.0.0.1:9");
  const kinds = new Set([...o.requests, o.stream].map((r) => r.api ?? "openai"));
  for (const surface of declared.surfaces ?? []) {
    it(`declares the ${surface} surface and the suite serves a request on it`, () => {
      expect(kinds.has(surface), `add a request with api: "${surface}" to \`requests\``).toBe(true);
    });
  }
  const prefixes = declared.passThroughPrefixes ?? [];
  if (prefixes.length === 0) return;
  it(`declares pass-through under ${prefixes.join(", ")} and the suite forwards a vendor path there`, () => {
    const vendor = o.requests.filter((r) => r.api === "pass-through");
    expect(vendor.length, 'add a request with api: "pass-through" to `requests`').toBeGreaterThan(0);
    for (const r of vendor) {
      expect(
        prefixes.some((prefix) => r.path.startsWith(prefix)),
        `${r.path} is under a declared prefix`,
      ).toBe(true);
    }
  });
}

/** Rewrites `r` as the adapter would and checks where it goes and which credentials travel. */
function expectRewritten<M extends ProviderMock>(suite: Suite<M>, r: ProviderCaseRequest): UpstreamRequest {
  const { o } = suite;
  const provider = suite.provider();
  const header = r.keyHeader ?? o.keyHeader ?? "authorization";
  // The client's credential also sits in every header the provider's clients send keys in.
  // The gateway takes them all off before the adapter runs; none may reappear upstream.
  const request = clientRequest(r, CLIENT_SECRET, [...(provider.clientKeyHeaders ?? []), header]);
  const upstream = provider.rewriteRequest(request, suite.poolKey(o.workingKey));
  const url = new URL(upstream.url);
  expect(url.origin).toBe(new URL(suite.mock().baseURL).origin);
  expect(url.pathname + url.search).toBe(r.upstreamPath);
  // The client's token must never reach the upstream, nor the pool key travel in the URL.
  expect(upstream.url).not.toContain(CLIENT_SECRET);
  expect(upstream.url).not.toContain(o.workingKey);
  upstream.headers.forEach((value, name) => {
    expect(value, name).not.toContain(CLIENT_SECRET);
  });
  const expected = header === "authorization" ? `Bearer ${o.workingKey}` : o.workingKey;
  expect(upstream.headers.get(header)).toBe(expected);
  return upstream;
}

const send = (upstream: UpstreamRequest) =>
  fetch(upstream.url, { method: upstream.method, headers: upstream.headers, body: upstream.body });

/** Every listed request reaches the right path on the mock and is served. */
function requestTests<M extends ProviderMock>(suite: Suite<M>): void {
  for (const r of suite.o.requests) {
    it(`rewrites and serves ${r.name}`, async () => {
      const upstream = expectRewritten(suite, r);
      const mock = suite.mock();
      const before = mock.requests?.length ?? 0;
      const response = await send(upstream);
      const text = await response.text();
      expect(response.status, text.slice(0, 300)).toBe(200);
      if (mock.requests) {
        const received = mock.requests.slice(before).at(-1);
        expect(received?.path).toBe(r.upstreamPath);
      }
    });
  }
}

/** The streamed request arrives as SSE (in more than one read, for a mock that paces its events). */
function streamTest<M extends ProviderMock>(suite: Suite<M>): void {
  const { stream } = suite.o;
  it(`streams ${stream.name}${stream.incremental ? " incrementally" : " as SSE"}`, async () => {
    const response = await send(expectRewritten(suite, stream));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    const reads: string[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      reads.push(decoder.decode(value, { stream: true }));
    }
    const text = reads.join("");
    const events = text.split(/\r?\n\r?\n/).filter((e) => e.startsWith("data:"));
    expect(events.length, `SSE events in:\n${text.slice(0, 500)}`).toBeGreaterThanOrEqual(stream.minEvents ?? 3);
    if (!stream.incremental) return;
    // More than one read carrying events: the stream was not buffered into one piece.
    const readsWithEvents = reads.filter((chunk) => chunk.includes("data:")).length;
    expect(
      readsWithEvents,
      "every event arrived in one read: with `incremental: true` the mock must pace its events",
    ).toBeGreaterThan(1);
  });
}

/** Every recorded failure has an expected class, and gets it. */
function failureTests<M extends ProviderMock>({ o, provider }: Suite<M>): void {
  if (!o.fixtures) return;
  const recorded = loadRecordedFailures(o.fixtures);
  const expected = o.failures ?? {};
  it("has an expected class for every recorded failure", () => {
    expect([...recorded.keys()].sort()).toEqual(Object.keys(expected).sort());
  });
  for (const [name, failure] of recorded) {
    const want = expected[name];
    if (!want) continue;
    it(`classifies the recorded failure ${name} as ${want.kind}`, () => {
      expect(provider().classifyFailure(failure)).toMatchObject(want);
    });
  }
}

/** Key checks, an unreachable upstream, balances, and the model list. */
function checkTests<M extends ProviderMock>({ o, provider, poolKey }: Suite<M>): void {
  for (const check of o.checks ?? []) {
    it(`checks a key: ${check.name}`, async () => {
      expect(await provider().checkKey(poolKey(check.key))).toMatchObject(check.expect);
    });
  }

  it("reports an unreachable upstream as a check error, never as a balance", async () => {
    const offline = o.provider(await deadURL());
    const result = await offline.checkKey(poolKey(o.workingKey));
    expect(result.status).toBe("error");
    expect(result).not.toHaveProperty("balance");
  });

  it("parses a balance when the provider tracks one", () => {
    if (!provider().hasBalance) {
      expect(o.checks?.some((c) => "balance" in c.expect) ?? false).toBe(false);
      return;
    }
    expect(o.checks?.some((c) => typeof (c.expect as { balance?: unknown }).balance === "number")).toBe(true);
  });

  if (o.models) {
    it("lists models", async () => {
      const models = await provider().listModels(o.models?.key ? poolKey(o.models.key) : undefined);
      const ids = models.map((m) => m.id);
      for (const id of o.models?.includes ?? []) expect(ids).toContain(id);
    });
  }
}
