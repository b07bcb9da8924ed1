/**
 * Tracing through a real gateway: a real OpenTelemetry SDK tracer (in-memory exporter) receives
 * one request span per proxied request and one attempt span per attempt, under it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as otel from "@opentelemetry/api";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENT_TOKEN, chatBody, startRig, type TestRig } from "../../test/support/index.js";
import { roundRobin } from "../pool/strategies.js";
import type { ProxyOutcome } from "../proxy/proxy-types.js";

const INVALID = "sk-tracing-invalid-00000000000001";
const OK = "sk-tracing-ok-0000000000000000001";
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
let rig: TestRig;
const outcomes: ProxyOutcome[] = [];

const hrMs = ([s, ns]: otel.HrTime) => s * 1000 + ns / 1e6;
const requestSpans = () => exporter.getFinishedSpans().filter((s) => s.name === "keyhive.request");
const childrenOf = (parent: ReadableSpan) =>
  exporter
    .getFinishedSpans()
    .filter((s) => s.name === "keyhive.attempt" && s.parentSpanContext?.spanId === parent.spanContext().spanId);
/** Waits for the n-th request span (spans are recorded once the body ended). */
const nthRequestSpan = async (n: number): Promise<ReadableSpan> => {
  await expect.poll(() => requestSpans().length, { timeout: 3000 }).toBeGreaterThanOrEqual(n);
  return requestSpans()[n - 1] as ReadableSpan;
};

beforeAll(async () => {
  rig = await startRig(
    { keys: { [INVALID]: "invalid", [OK]: "ok" } },
    {
      strategy: roundRobin(),
      tracing: { tracer: provider.getTracer("keyhive-test") },
      onOutcome: (outcome) => outcomes.push(outcome),
    },
  );
  await rig.addKeys([INVALID, OK]);
});
afterAll(async () => {
  await rig.close();
  await provider.shutdown();
});

describe("tracing", () => {
  it("records a failed-over request as one request span with one child per attempt", async () => {
    const response = await rig.call("/v1/chat/completions", { json: chatBody() });
    expect(response.status).toBe(200);
    await response.text();
    const request = await nthRequestSpan(1);
    const ids = new Map(rig.gateway.pool.keysOf().map((k) => [k.secret, k.id]));
    expect(request.kind).toBe(otel.SpanKind.INTERNAL);
    expect(request.parentSpanContext).toBeUndefined(); // a root: no active context here
    expect(request.status.code).not.toBe(otel.SpanStatusCode.ERROR);
    expect(request.attributes).toMatchObject({
      "keyhive.provider": "fake",
      "keyhive.api": "openai",
      "keyhive.path": "/chat/completions",
      "gen_ai.request.model": "fake-chat-small",
      "http.response.status_code": 200,
      "keyhive.key.id": ids.get(OK),
      "keyhive.attempts": 2,
      "keyhive.streamed": false,
    });
    expect(request.attributes["keyhive.token.id"]).toBeTruthy();
    expect(request.attributes["keyhive.ttfb_ms"]).toBeTypeOf("number");

    const [first, second, ...rest] = childrenOf(request).sort((a, b) => hrMs(a.startTime) - hrMs(b.startTime));
    expect(rest).toHaveLength(0);
    expect(first?.kind).toBe(otel.SpanKind.CLIENT);
    expect(first?.spanContext().traceId).toBe(request.spanContext().traceId);
    expect(first?.attributes).toMatchObject({
      "keyhive.key.id": ids.get(INVALID),
      "keyhive.failure": "key_invalid",
      "http.response.status_code": 401,
    });
    expect(first?.status.code).toBe(otel.SpanStatusCode.ERROR);
    expect(second?.attributes).toMatchObject({ "keyhive.key.id": ids.get(OK), "http.response.status_code": 200 });
    expect(second?.attributes["keyhive.failure"]).toBeUndefined();
    expect(second?.attributes["keyhive.ttfb_ms"]).toBeTypeOf("number");

    // Sequential, and inside the request span.
    const [a, b] = [first as ReadableSpan, second as ReadableSpan];
    expect(hrMs(a.startTime)).toBeGreaterThanOrEqual(hrMs(request.startTime));
    expect(hrMs(a.endTime)).toBeLessThanOrEqual(hrMs(b.startTime));
    expect(hrMs(b.endTime)).toBeLessThanOrEqual(hrMs(request.endTime));
    expect(hrMs(request.startTime)).toBeLessThanOrEqual(hrMs(request.endTime));
    // Each attempt starts when it was sent (`startMs` after the arrival, as the request log has it).
    const detail = outcomes[0]?.detail;
    expect(hrMs(request.startTime)).toBe(detail?.startedAt);
    const [sentFirst, sentSecond] = detail?.attempts ?? [];
    expect(sentFirst?.startMs).toBeTypeOf("number");
    expect(sentSecond?.startMs).toBeGreaterThanOrEqual((sentFirst?.startMs ?? 0) + (sentFirst?.ms ?? 0));
    expect(hrMs(a.startTime)).toBe((detail?.startedAt ?? 0) + (sentFirst?.startMs ?? 0));
    expect(hrMs(b.startTime)).toBe((detail?.startedAt ?? 0) + (sentSecond?.startMs ?? 0));
  });
});

describe("tracing other requests", () => {
  it("marks a streamed request", async () => {
    const before = requestSpans().length;
    const response = await rig.call("/v1/chat/completions", { json: chatBody({ stream: true }) });
    expect(response.status).toBe(200);
    await response.text();
    const request = await nthRequestSpan(before + 1);
    expect(request.attributes["keyhive.streamed"]).toBe(true);
    expect(request.attributes["http.response.status_code"]).toBe(200);
    expect(childrenOf(request).length).toBeGreaterThanOrEqual(1);
  });

  it("sets ERROR on the request span when no key can serve", async () => {
    const before = requestSpans().length;
    for (const key of rig.gateway.pool.keysOf()) rig.gateway.pool.patch(key.id, { status: "disabled" });
    try {
      const response = await rig.call("/v1/chat/completions", { json: chatBody() });
      expect(response.status).toBeGreaterThanOrEqual(500);
      await response.text();
      const request = await nthRequestSpan(before + 1);
      expect(request.attributes["http.response.status_code"]).toBe(response.status);
      expect(request.status.code).toBe(otel.SpanStatusCode.ERROR);
      expect(request.status.message).toBeTruthy();
    } finally {
      for (const key of rig.gateway.pool.keysOf()) rig.gateway.pool.patch(key.id, { status: "active" });
    }
  });

  it("puts no key secret and no client token in any span", () => {
    const spans = exporter.getFinishedSpans();
    expect(spans.length).toBeGreaterThanOrEqual(4);
    const text = JSON.stringify(spans.map((s) => [s.name, s.attributes, s.status, s.events]));
    for (const secret of [INVALID, OK, CLIENT_TOKEN]) expect(text).not.toContain(secret);
  });
});

describe("tracing off", () => {
  it("records nothing, even with a global tracer provider registered", async () => {
    const global = new InMemorySpanExporter();
    const globalProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(global)] });
    otel.trace.setGlobalTracerProvider(globalProvider);
    const plain = await startRig({ keys: { [OK]: "ok" } });
    try {
      await plain.addKeys([OK]);
      const response = await plain.call("/v1/chat/completions", { json: chatBody() });
      expect(response.status).toBe(200);
      await response.text();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(global.getFinishedSpans()).toHaveLength(0);
    } finally {
      await plain.close();
      otel.trace.disable();
      await globalProvider.shutdown();
    }
  });

  it("the gateway's code imports only types from @opentelemetry/api", () => {
    const src = join(import.meta.dirname, "..");
    const files = readdirSync(src, { recursive: true, encoding: "utf8" }).filter(
      (f) => f.endsWith(".ts") && !f.endsWith(".test.ts"),
    );
    const runtime = files.filter((f) =>
      /^import\s+(?!type\b)[^;]*from\s+"@opentelemetry\//m.test(readFileSync(join(src, f), "utf8")),
    );
    expect(runtime).toEqual([]);
    expect(files).toContain(join("tracing", "request-spans.ts"));
  });
});
