/**
 * Optional OpenTelemetry tracing: one `keyhive.request` span per proxied request and one
 * `keyhive.attempt` child per attempt with a pool key, built after the fact from the request's
 * outcome (an observer of the pipeline, called once the response body ended).
 *
 * Only types come from `@opentelemetry/api` (an optional peer dependency): the gateway never
 * imports it at run time, so it adds nothing to the bundle and costs nothing when tracing is off.
 * That is why the option takes the API module itself (`api`): the parent span's context is made
 * with the user's own `api.trace.setSpan`, the one their tracer provider is registered with.
 */
import type { Attributes, Context, ContextAPI, Span, TraceAPI, Tracer } from "@opentelemetry/api";
import type { ProxyOutcome } from "../proxy/proxy-types.js";

// The API's enum values, as numbers: importing the enums would import the API at run time.
/** `SpanKind.INTERNAL` */
const SPAN_KIND_INTERNAL = 0;
/** `SpanKind.CLIENT` */
const SPAN_KIND_CLIENT = 2;
/** `SpanStatusCode.ERROR` */
const SPAN_STATUS_ERROR = 2;

export interface TracingOptions {
  /** Where spans go, e.g. `otel.trace.getTracer("keyhive")`. */
  tracer: Tracer;
  /**
   * The `@opentelemetry/api` module (`import * as otel from "@opentelemetry/api"`), for
   * `trace.setSpan` and `context.active`: the gateway does not import it itself.
   */
  api: { trace: Pick<TraceAPI, "setSpan">; context: Pick<ContextAPI, "active"> };
}

/** The pipeline observer that records a request's spans; errors go to `onError`, never to the request. */
export function requestSpans(
  options: TracingOptions,
  onError: (error: unknown) => void = (error) => console.error(error),
): (outcome: ProxyOutcome) => void {
  return (outcome) => {
    try {
      recordSpans(options, outcome);
    } catch (error) {
      onError(error);
    }
  };
}

function recordSpans({ tracer, api }: TracingOptions, outcome: ProxyOutcome): void {
  const detail = outcome.detail;
  const startedAt = detail?.startedAt ?? Date.now() - outcome.durationMs;
  const endedAt = startedAt + outcome.durationMs;
  const request = tracer.startSpan(
    "keyhive.request",
    { kind: SPAN_KIND_INTERNAL, startTime: startedAt, attributes: requestAttributes(outcome) },
    api.context.active(),
  );
  if (outcome.status >= 500) {
    request.setStatus({ code: SPAN_STATUS_ERROR, message: detail?.error ?? `status ${outcome.status}` });
  }
  const parent: Context = api.trace.setSpan(api.context.active(), request);
  // Attempts record only their duration, not when they began: they are laid out one after the
  // other from the request's arrival, each starting where the previous one ended (the time spent
  // selecting a key or waiting between attempts is thus folded in at the end, not in between).
  let at = startedAt;
  for (const attempt of detail?.attempts ?? []) {
    const attributes: Attributes = { "keyhive.key.id": attempt.keyId, "keyhive.ttfb_ms": attempt.ms };
    if (attempt.status !== undefined) attributes["http.response.status_code"] = attempt.status;
    if (attempt.failure) attributes["keyhive.failure"] = attempt.failure;
    const end = Math.min(at + attempt.ms, endedAt);
    const span: Span = tracer.startSpan(
      "keyhive.attempt",
      { kind: SPAN_KIND_CLIENT, startTime: at, attributes },
      parent,
    );
    if (attempt.failure) span.setStatus({ code: SPAN_STATUS_ERROR, message: attempt.failure });
    span.end(end);
    at = end;
  }
  request.end(endedAt);
}

function requestAttributes(outcome: ProxyOutcome): Attributes {
  const detail = outcome.detail;
  const attributes: Attributes = {
    "keyhive.provider": outcome.provider,
    "http.response.status_code": outcome.status,
    "keyhive.token.id": outcome.client.tokenId,
    "keyhive.attempts": outcome.attempts,
  };
  if (outcome.model) attributes["gen_ai.request.model"] = outcome.model;
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
