/**
 * Tracing inside workerd (Cloudflare Workers' runtime, via miniflare): a Worker bundling the
 * gateway with the SDK's `BasicTracerProvider` (a batch processor that only exports on flush)
 * records a request's spans, and `tracing.flush` (the provider's `forceFlush`, run under the
 * invocation's `waitUntil`) exports them. No `nodejs_compat`: the SDK's base package needs none.
 */
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeUpstream, startFakeUpstream } from "../../test/support/fake-upstream.js";

const TOKEN = "kh-workerd-tracing-token";
const ADMIN = "workerd-tracing-admin-password";
const KEYS = ["sk-workerd-trace-invalid-000000001", "sk-workerd-trace-ok-0000000000001"];

// The Worker: the gateway from sources, spans kept in memory and served at /spans.
const WORKER = `
import { BasicTracerProvider, BatchSpanProcessor, InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { createGateway } from "../index.js";
import { roundRobin } from "../pool/strategies.js";
import { createFakeProvider } from "../../test/support/fake-provider.js";
import { createMemoryStorage } from "../../test/support/memory-storage.js";

const exporter = new InMemorySpanExporter();
// Exports only when flushed: the delay outlasts the test.
const processor = new BatchSpanProcessor(exporter, { scheduledDelayMillis: 600000 });
const provider = new BasicTracerProvider({ spanProcessors: [processor] });
let gateway;

export default {
  fetch(request, env, ctx) {
    if (new URL(request.url).pathname === "/spans") {
      const spans = exporter.getFinishedSpans().map((s) => ({
        name: s.name,
        spanId: s.spanContext().spanId,
        parent: s.parentSpanContext?.spanId,
        attributes: s.attributes,
        status: s.status,
      }));
      return Response.json(spans);
    }
    gateway ??= createGateway({
      providers: [createFakeProvider({ baseURL: env.UPSTREAM_BASE_URL })],
      storage: createMemoryStorage(),
      clientTokens: [env.CLIENT_TOKEN],
      adminPassword: env.ADMIN_PASSWORD,
      strategy: roundRobin(),
      tracing: { tracer: provider.getTracer("keyhive"), flush: () => provider.forceFlush() },
    });
    return gateway.app.fetch(request, env, ctx);
  },
};
`;

interface SpanView {
  name: string;
  spanId: string;
  parent?: string;
  attributes: Record<string, unknown>;
  status: { code: number };
}

let mock: FakeUpstream;
let mf: Miniflare;
beforeAll(async () => {
  mock = await startFakeUpstream({ keys: { [KEYS[0] as string]: "invalid", [KEYS[1] as string]: "ok" } });
  const bundled = await build({
    stdin: { contents: WORKER, resolveDir: fileURLToPath(new URL(".", import.meta.url)), loader: "ts" },
    bundle: true,
    format: "esm",
    platform: "browser", // honours the packages' `browser` maps, as Workers bundlers do
    target: "es2022",
    write: false,
    // As wrangler resolves (the SDK maps its Node platform files to browser ones).
    mainFields: ["browser", "module", "main"],
    conditions: ["workerd", "worker", "browser", "import"],
    logLevel: "silent",
  });
  mf = new Miniflare({
    modules: true,
    script: bundled.outputFiles[0]?.text ?? "",
    compatibilityDate: "2025-09-01",
    bindings: { UPSTREAM_BASE_URL: mock.baseURL, CLIENT_TOKEN: TOKEN, ADMIN_PASSWORD: ADMIN },
  });
  await mf.ready;
}, 60_000);
afterAll(async () => {
  await mf?.dispose();
  await mock?.close();
});

const call = async (path: string, init: RequestInit = {}) =>
  (await mf.dispatchFetch(`http://gateway.local${path}`, init as never)) as unknown as Response;

describe("tracing in workerd", () => {
  it("records and flushes a failed-over request's spans", async () => {
    const added = await call("/admin/api/keys", {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
      body: JSON.stringify({ provider: "fake", keys: KEYS }),
    });
    expect(added.status).toBe(201);
    const chat = await call("/v1/chat/completions", {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "fake-chat-small", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(chat.status).toBe(200);
    await chat.text();
    const spans = async () => (await (await call("/spans")).json()) as SpanView[];
    await expect.poll(async () => (await spans()).length, { timeout: 5000 }).toBe(3);
    const all = await spans();
    const request = all.find((s) => s.name === "keyhive.request") as SpanView;
    expect(request.attributes).toMatchObject({ "http.response.status_code": 200, "keyhive.attempts": 2 });
    const attempts = all.filter((s) => s.name === "keyhive.attempt");
    expect(attempts.map((s) => s.parent)).toEqual([request.spanId, request.spanId]);
    expect(attempts.map((s) => s.attributes["keyhive.failure"])).toEqual(["key_invalid", undefined]);
    const text = JSON.stringify(all);
    for (const secret of [...KEYS, TOKEN]) expect(text).not.toContain(secret);
  });
});
