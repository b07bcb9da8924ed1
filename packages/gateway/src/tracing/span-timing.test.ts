/**
 * The request spans' edge cases: every key failing, a tracer that throws, and the timing of
 * attempts from outcomes recorded with and without `startMs` (a real SDK tracer throughout).
 */
import * as otel from "@opentelemetry/api";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { afterEach, describe, expect, it } from "vitest";
import { chatBody, startRig } from "../../test/support/index.js";
import type { ProxyOutcome } from "../proxy/proxy-types.js";
import { requestSpans } from "./request-spans.js";

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer("keyhive-test");
afterEach(() => exporter.reset());

const hrMs = ([s, ns]: otel.HrTime) => s * 1000 + ns / 1e6;
const named = (name: string) => exporter.getFinishedSpans().filter((s) => s.name === name);

describe("every key failing", () => {
  it("sets ERROR on the request span and on each attempt", async () => {
    const keys = ["sk-tracing-dead-000000000000000001", "sk-tracing-dead-000000000000000002"];
    const rig = await startRig(
      { keys: { [keys[0] as string]: "invalid", [keys[1] as string]: "invalid" } },
      {
        tracing: { tracer },
      },
    );
    try {
      await rig.addKeys(keys);
      const response = await rig.call("/v1/chat/completions", { json: chatBody() });
      expect(response.ok).toBe(false);
      await response.text();
      await expect.poll(() => named("keyhive.request").length, { timeout: 3000 }).toBe(1);
      const [request] = named("keyhive.request") as [ReadableSpan];
      expect(request.status.code).toBe(otel.SpanStatusCode.ERROR);
      expect(request.status.message).toBeTruthy();
      expect(request.attributes["keyhive.key.id"]).toBeUndefined();
      expect(request.attributes["http.response.status_code"]).toBe(response.status);
      const attempts = named("keyhive.attempt");
      expect(attempts).toHaveLength(2);
      for (const attempt of attempts) {
        expect(attempt.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
        expect(attempt.attributes["keyhive.failure"]).toBe("key_invalid");
        expect(attempt.status.code).toBe(otel.SpanStatusCode.ERROR);
      }
      const text = JSON.stringify(exporter.getFinishedSpans().map((s) => [s.attributes, s.status]));
      for (const secret of keys) expect(text).not.toContain(secret);
    } finally {
      await rig.close();
    }
  });
});

describe("a tracer that throws", () => {
  it("reaches onError, never the request", async () => {
    const errors: unknown[] = [];
    const broken = {
      ...tracer,
      startSpan: () => {
        throw new Error("exporter down");
      },
    } as unknown as otel.Tracer;
    const rig = await startRig(
      { keys: { "sk-tracing-ok-0000000000000000009": "ok" } },
      { tracing: { tracer: broken }, onError: (error) => errors.push(error) },
    );
    try {
      await rig.addKeys(["sk-tracing-ok-0000000000000000009"]);
      const response = await rig.call("/v1/chat/completions", { json: chatBody() });
      expect(response.status).toBe(200);
      await response.text();
      await expect.poll(() => errors.length, { timeout: 3000 }).toBe(1);
      expect((errors[0] as Error).message).toBe("exporter down");
    } finally {
      await rig.close();
    }
  });
});

describe("attempt timing", () => {
  const outcome = (attempts: NonNullable<ProxyOutcome["detail"]>["attempts"]): ProxyOutcome => ({
    client: { tokenId: "tok-1" } as ProxyOutcome["client"],
    provider: "fake",
    model: "m",
    keyId: "key-b",
    status: 200,
    attempts: attempts.length,
    failures: [],
    durationMs: 1000,
    counted: { promptTokens: 3, completionTokens: 5 } as ProxyOutcome["counted"],
    detail: { startedAt: 10_000, api: "openai", path: "/chat/completions", attempts, streamed: false, ttfbMs: 400 },
  });
  const times = () => named("keyhive.attempt").map((s) => [hrMs(s.startTime) - 10_000, hrMs(s.endTime) - 10_000]);

  it("starts each attempt when it was sent", () => {
    requestSpans({ tracer })(
      outcome([
        { keyId: "key-a", failure: "rate_limited", status: 429, ms: 100, startMs: 50 },
        { keyId: "key-b", status: 200, ms: 200, startMs: 300 },
      ]),
    );
    expect(times()).toEqual([
      [50, 150],
      [300, 500],
    ]);
    const [request] = named("keyhive.request") as [ReadableSpan];
    expect([hrMs(request.startTime), hrMs(request.endTime)]).toEqual([10_000, 11_000]);
    expect(request.status.code).not.toBe(otel.SpanStatusCode.ERROR);
    expect(request.attributes).toMatchObject({
      "gen_ai.request.model": "m",
      "keyhive.model": "m",
      "gen_ai.usage.input_tokens": 3,
      "gen_ai.usage.output_tokens": 5,
      "keyhive.ttfb_ms": 400,
    });
  });

  it("lays attempts end to end from the arrival when records lack startMs, inside the request", () => {
    requestSpans({ tracer })(
      outcome([
        { keyId: "key-a", failure: "upstream_error", ms: 600 },
        { keyId: "key-b", status: 200, ms: 700 },
      ]),
    );
    expect(times()).toEqual([
      [0, 600],
      [600, 1000],
    ]);
  });
});
