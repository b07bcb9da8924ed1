import { type FailureClass, parseRetryAfter, type UpstreamFailure } from "@keyhive/gateway";

/** DeepSeek answers OpenAI-style `{"error":{"message","type","code"}}` bodies. */
export function readDeepSeekMessage(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } };
    return typeof parsed.error?.message === "string" ? parsed.error.message : undefined;
  } catch {
    return body.trim().slice(0, 200) || undefined;
  }
}

/**
 * DeepSeek's documented statuses: 401 bad key, 402 insufficient balance, 429 rate limit,
 * 500/503 server trouble; 400/422 are the request's own fault.
 */
export function classifyDeepSeekFailure(failure: UpstreamFailure): FailureClass {
  const message = readDeepSeekMessage(failure.body) ?? `HTTP ${failure.status}`;
  if (failure.status === 401 || failure.status === 403) return { kind: "key_invalid", message };
  if (failure.status === 402) return { kind: "key_exhausted", message };
  if (failure.status === 429) return { kind: "rate_limited", message, retryAfterMs: parseRetryAfter(failure.headers) };
  if (failure.status === 408 || failure.status >= 500) return { kind: "upstream_error", message };
  return { kind: "client_error", message };
}
