import { type FailureClass, parseRetryAfter, type UpstreamFailure } from "@keyhive/gateway";

/** What SiliconFlow's error bodies carry. Both shapes occur: `{code,message,data}` and OpenAI's `{error:{…}}`. */
export interface SiliconFlowError {
  message?: string;
  /** SiliconFlow's numeric business code (e.g. 30001 = insufficient balance), or OpenAI's string code. */
  code?: number | string;
}

/** Reads either error shape; a 401 often answers plain text (`Invalid token`), which becomes the message. */
export function readSiliconFlowError(body: string): SiliconFlowError {
  try {
    const parsed = JSON.parse(body) as unknown;
    if (!parsed || typeof parsed !== "object") return { message: body.slice(0, 200) || undefined };
    const root = parsed as { error?: unknown; message?: unknown; code?: unknown };
    const source = (root.error && typeof root.error === "object" ? root.error : root) as {
      message?: unknown;
      code?: unknown;
    };
    return {
      message: typeof source.message === "string" ? source.message : undefined,
      code: typeof source.code === "number" || typeof source.code === "string" ? source.code : undefined,
    };
  } catch {
    return { message: body.trim().slice(0, 200) || undefined };
  }
}

/** SiliconFlow signals "no credit" with code 30001 and/or a message; a 403 is otherwise a dead key. */
const INSUFFICIENT_BALANCE =
  /(insufficient|not enough|too low).*balance|balance.*(insufficient|not enough|too low)|余额不足|欠费/i;

export function isInsufficientBalance(error: SiliconFlowError): boolean {
  return error.code === 30001 || error.code === "30001" || INSUFFICIENT_BALANCE.test(error.message ?? "");
}

/**
 * Maps a failed SiliconFlow response to what the pool should do:
 * 401/403 → key_invalid (403 with an insufficient-balance message, 402 or code 30001 → key_exhausted),
 * 429 → rate_limited, 408/5xx → upstream_error, other 4xx → client_error.
 */
export function classifySiliconFlowFailure(failure: UpstreamFailure): FailureClass {
  const { status, headers } = failure;
  const error = readSiliconFlowError(failure.body);
  const message = error.message ?? `HTTP ${status}`;
  const code = Number(error.code);
  if (status === 402 || code === 30001 || (status === 403 && isInsufficientBalance(error))) {
    return { kind: "key_exhausted", message };
  }
  if (status === 401 || status === 403) return { kind: "key_invalid", message };
  if (status === 429) {
    // SiliconFlow's RPM/TPM limits are per model and account: only this key+model pair cools.
    return {
      kind: "rate_limited",
      message,
      retryAfterMs: parseRetryAfter(headers),
      scope: failure.model ? "model" : "key",
    };
  }
  if (status === 408 || status >= 500) return { kind: "upstream_error", message };
  return { kind: "client_error", message };
}
