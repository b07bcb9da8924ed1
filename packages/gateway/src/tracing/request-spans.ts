/**
 * Optional OpenTelemetry tracing: one `keyhive.request` span per proxied request and one
 * `keyhive.attempt` child per attempt with a pool key, built after the fact from the request's
 * outcome (an observer of the pipeline, called once the response body ended), with explicit
 * start and end times.
 *
 * Only types come from `@opentelemetry/api` (an optional peer dependency): the gateway never
 * imports it at run time, so it adds nothing to the bundle and costs nothing when tracing is off.
 */
import type { Attributes, Context, Span, Tracer } from "@opentelemetry/api";
import type { AttemptEntry, ProxyOutcome } from "../proxy/proxy-types.js";
import type { WaitUntil } from "../runtime/wait-until.js";
import { spanContext } from "./span-context.js";

// The API's enum values, as numbers (part of its stable API): importing the enums would import
// the API at run time.
/** `SpanKind.INTERNAL` */
const SPAN_KIND_INTERNAL = 0;
/** `SpanKind.CLIENT` */
const SPAN_KIND_CLIENT = 2;
/** `SpanStatusCode.ERROR` */
const SPAN_STATUS_ERROR = 2;

export interface TracingOptions {
  /**
   * Where spans go, e.g. `trace.getTracer("keyhive")` from `@opentelemetry/api`. Request spans
   * are children of the tracer's active context when the response ends (roots, usually).
   */
  tracer: Tracer;
  /**
   * Called once a request's spans are recorded, e.g. `() => provider.forceFlush()`. On Workers
   * the gateway hands its promise to the invocation's `waitUntil`, so the export finishes before
   * the isolate may freeze; on Node a batch span processor needs no flush.
   */
  flush?: () => Promise<unknown>;
}

/** The pipeline observer that records a request's spans; errors go to `onError`, never to the request. */
export function requestSpans(
  options: TracingOptions,
  onError: (error: unknown) => void = (error) => console.error(error),
): (outcome: ProxyOutcome, waitUntil?: WaitUntil) => void {
  return (outcome, waitUntil) => {
    try {
      recordSpans(options.tracer, outcome);
      if (!options.flush) return;
      const flushed = options.flush().catch(onError);
      waitUntil?.(flushed);
    } catch (error) {
      onError(error);
    }
  };
}

function recordSpans(tracer: Tracer, outcome: ProxyOutcome): void {
  const detail = outcome.detail;
  const startedAt = detail?.startedAt ?? Date.now() - outcome.durationMs;
  const endedAt = startedAt + outcome.durationMs;
  const request = tracer.startSpan("keyhive.request", {
    kind: SPAN_KIND_INTERNAL,
    startTime: startedAt,
    attributes: requestAttributes(outcome),
  });
  if (outcome.status >= 500 || outcome.keyId === undefined) {
    const message = detail?.error ?? (outcome.keyId === undefined ? "no key served" : `status ${outcome.status}`);
    request.setStatus({ code: SPAN_STATUS_ERROR, message });
  }
  const parent = spanContext(request);
  // Records from before `startMs` existed: attempts laid out one after the other from the arrival.
  let at = startedAt;
  for (const attempt of detail?.attempts ?? []) {
    const start = Math.max(at, attempt.startMs === undefined ? at : startedAt + attempt.startMs);
    const end = Math.min(start + attempt.ms, endedAt);
    attemptSpan(tracer, parent, attempt, start, end);
    at = end;
  }
  request.end(endedAt);
}

function attemptSpan(tracer: Tracer, parent: Context, attempt: AttemptEntry, start: number, end: number): void {
  const attributes: Attributes = { "keyhive.key.id": attempt.keyId, "keyhive.ttfb_ms": attempt.ms };
  if (attempt.status !== undefined) attributes["http.response.status_code"] = attempt.status;
  if (attempt.failure) attributes["keyhive.failure"] = attempt.failure;
  const span: Span = tracer.startSpan(
    "keyhive.attempt",
    { kind: SPAN_KIND_CLIENT, startTime: start, attributes },
    parent,
  );
  if (attempt.failure) span.setStatus({ code: SPAN_STATUS_ERROR, message: attempt.failure });
  span.end(end);
}

function requestAttributes(outcome: ProxyOutcome): Attributes {
  const detail = outcome.detail;
  const attributes: Attributes = {
    "keyhive.provider": outcome.provider,
    "http.response.status_code": outcome.status,
    "keyhive.token.id": outcome.client.tokenId,
    "keyhive.attempts": outcome.attempts,
  };
  if (outcome.model) {
    attributes["gen_ai.request.model"] = outcome.model;
    attributes["keyhive.model"] = outcome.model;
  }
  if (outcome.keyId) attributes["keyhive.key.id"] = outcome.keyId;
  if (detail) {
    attributes["keyhive.api"] = detail.api;
    attributes["keyhive.path"] = detail.path;
    attributes["keyhive.streamed"] = detail.streamed;
    if (detail.ttfbMs !== undefined) attributes["keyhive.ttfb_ms"] = detail.ttfbMs;
  }
  const counted = outcome.counted;
  if (counted?.promptTokens !== undefined) attributes["gen_ai.usage.input_tokens"] = counted.promptTokens;
  if (counted?.completionTokens !== undefined) attributes["gen_ai.usage.output_tokens"] = counted.completionTokens;
  return attributes;
}
