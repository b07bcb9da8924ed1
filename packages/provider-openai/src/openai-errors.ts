import { type FailureClass, parseRetryAfter, type UpstreamFailure } from "@keyhive/gateway";

/** OpenAI's error body: `{"error":{"message","type","param","code"}}`. Relays vary; be lenient. */
export function readOpenAIError(body: string): { message?: string; type?: string; code?: string } {
  try {
    const parsed = JSON.parse(body) as {
      error?: { message?: unknown; type?: unknown; code?: unknown };
      message?: unknown;
    };
    const error = parsed.error ?? parsed;
    return {
      message: typeof error.message === "string" ? error.message : undefined,
      type: typeof (error as { type?: unknown }).type === "string" ? (error as { type: string }).type : undefined,
      code: typeof (error as { code?: unknown }).code === "string" ? (error as { code: string }).code : undefined,
    };
  } catch {
    return {};
  }
}

/** `x-ratelimit-reset-requests: 6m0s`, `1s`, `20ms` → milliseconds. */
export function parseResetDuration(value: string | null): number | undefined {
  if (!value) return undefined;
  let total = 0;
  let matched = false;
  for (const [, amount, unit] of value.matchAll(/([\d.]+)(ms|s|m|h)/g)) {
    matched = true;
    const n = Number(amount);
    total += unit === "ms" ? n : unit === "s" ? n * 1000 : unit === "m" ? n * 60_000 : n * 3_600_000;
  }
  return matched ? Math.round(total) : undefined;
}

/**
 * The OpenAI classification, and the base every OpenAI-compatible adapter layers its own signals
 * over (`createOpenAICompatible`'s `classifyFailure`): `insufficient_quota` or 402 → key exhausted,
 * 401/403 → key invalid, 429 → rate limited, 408/5xx → upstream error, other 4xx → the client's.
 */
export function classifyOpenAIFailure(failure: UpstreamFailure): FailureClass {
  const { status, headers } = failure;
  const error = readOpenAIError(failure.body);
  const message = error.message ?? (failure.body.slice(0, 200) || `HTTP ${status}`);
  // 402 Payment Required is how relays and compatible vendors (DeepSeek) say "no credit left".
  if (status === 402 || error.code === "insufficient_quota" || error.type === "insufficient_quota")
    return { kind: "key_exhausted", message };
  // A refused region fails for every key alike: blaming (and retiring) keys would empty the pool.
  if (error.code === "unsupported_country_region_territory") return { kind: "client_error", message };
  if (status === 401 || status === 403) return { kind: "key_invalid", message };
  if (status === 429) {
    const retryAfterMs =
      parseRetryAfter(headers) ??
      maxDefined(
        parseResetDuration(headers.get("x-ratelimit-reset-requests")),
        parseResetDuration(headers.get("x-ratelimit-reset-tokens")),
      );
    return { kind: "rate_limited", message, retryAfterMs };
  }
  if (status === 408 || status >= 500) return { kind: "upstream_error", message };
  return { kind: "client_error", message };
}

function maxDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.max(a, b);
}
