import type { FailureClass, UpstreamFailure } from "@keyhive/gateway";
import { classifyOpenAIFailure } from "@keyhive/provider-openai";

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
 * Maps a failed SiliconFlow response to what the pool should do, layered over the OpenAI base
 * (`classifyOpenAIFailure`): SiliconFlow's own "no credit" signals (402, code 30001, a 403 saying
 * the balance is insufficient) → key_exhausted first; then the base decides (401/403 → key_invalid,
 * 429 → rate_limited, 408/5xx → upstream_error, other 4xx → client_error), with SiliconFlow's
 * message (its 401s are plain text) and a per-model scope for rate limits.
 */
export function classifySiliconFlowFailure(
  failure: UpstreamFailure,
  base: (failure: UpstreamFailure) => FailureClass = classifyOpenAIFailure,
): FailureClass {
  const error = readSiliconFlowError(failure.body);
  const message = error.message ?? `HTTP ${failure.status}`;
  const code = Number(error.code);
  if (failure.status === 402 || code === 30001 || (failure.status === 403 && isInsufficientBalance(error))) {
    return { kind: "key_exhausted", message };
  }
  const cls = base(failure);
  if (cls.kind === "rate_limited") {
    // SiliconFlow's RPM/TPM limits are per model and account: only this key+model pair cools.
    return { kind: "rate_limited", message, retryAfterMs: cls.retryAfterMs, scope: failure.model ? "model" : "key" };
  }
  return { ...cls, message };
}
