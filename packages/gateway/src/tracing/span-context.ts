/**
 * A minimal OpenTelemetry `Context` that carries one span, to parent the attempt spans under the
 * request span without importing `@opentelemetry/api` at run time.
 *
 * The API stores the current span under `createContextKey("OpenTelemetry Context Key SPAN")`,
 * which is `Symbol.for(...)` by design: every copy and version of the API shares the key, so a
 * tracer from any of them (`trace.getSpan(context)`) finds the span here.
 */
import type { Context, Span } from "@opentelemetry/api";

const SPAN_KEY = Symbol.for("OpenTelemetry Context Key SPAN");

class MapContext implements Context {
  constructor(private readonly values: ReadonlyMap<symbol, unknown>) {}

  getValue(key: symbol): unknown {
    return this.values.get(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return new MapContext(new Map(this.values).set(key, value));
  }

  deleteValue(key: symbol): Context {
    const values = new Map(this.values);
    values.delete(key);
    return new MapContext(values);
  }
}

/** A context whose current span is `span`, as the API's `trace.setSpan(ROOT_CONTEXT, span)` makes. */
export function spanContext(span: Span): Context {
  return new MapContext(new Map([[SPAN_KEY, span]]));
}
