import { type FailureClass, parseRetryAfter, type UpstreamFailure } from "@keyhive/gateway";

/** Google's error: `{"error":{code,message,status,details}}`; the OpenAI surface wraps it in an array. */
export interface GeminiError {
  code?: number;
  message?: string;
  status?: string;
  details?: GeminiErrorDetail[];
}

export interface GeminiErrorDetail {
  "@type"?: string;
  reason?: string;
  retryDelay?: string;
  violations?: { quotaId?: string; quotaMetric?: string }[];
}

export function readGeminiError(body: string): GeminiError {
  try {
    let parsed = JSON.parse(body) as unknown;
    if (Array.isArray(parsed)) parsed = parsed[0];
    const error = (parsed as { error?: unknown } | null)?.error;
    if (!error || typeof error !== "object") return {};
    const e = error as Record<string, unknown>;
    return {
      code: typeof e.code === "number" ? e.code : undefined,
      message: typeof e.message === "string" ? e.message : undefined,
      status: typeof e.status === "string" ? e.status : undefined,
      details: Array.isArray(e.details) ? (e.details as GeminiErrorDetail[]) : undefined,
    };
  } catch {
    return {};
  }
}

/** Protobuf durations as JSON: `"37s"`, `"1.5s"` → milliseconds. */
export function parseDuration(value: string | undefined): number | undefined {
  const match = value ? /^(\d+(?:\.\d+)?)s$/.exec(value.trim()) : null;
  return match ? Math.round(Number(match[1]) * 1000) : undefined;
}

/** Per-day quotas reset at midnight Pacific time (Google's documented reset). */
export function msUntilPacificMidnight(now: number): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: "America/Los_Angeles",
    hourCycle: "h23",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  }).formatToParts(new Date(now));
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const elapsed = ((part("hour") * 60 + part("minute")) * 60 + part("second")) * 1000 + (now % 1000);
  return 86_400_000 - elapsed;
}

/** Which quota window a RESOURCE_EXHAUSTED answer is about, from QuotaFailure ids or the message. */
export function quotaWindow(error: GeminiError): "minute" | "day" | undefined {
  const ids = (error.details ?? []).flatMap((d) =>
    (d.violations ?? []).map((v) => `${v.quotaId ?? ""} ${v.quotaMetric ?? ""}`),
  );
  const text = `${ids.join(" ")} ${error.message ?? ""}`;
  if (/PerDay|per day|daily/i.test(text)) return "day";
  if (/PerMinute|per minute/i.test(text)) return "minute";
  return undefined;
}

const hasReason = (error: GeminiError, reason: string) =>
  (error.details ?? []).some((d) => d.reason === reason) || (error.message ?? "").includes(reason);

/**
 * Gemini's classification: API_KEY_INVALID (any status), 401 and 403 PERMISSION_DENIED → key_invalid;
 * 429 RESOURCE_EXHAUSTED → rate_limited per model, with the quota window and RetryInfo's delay;
 * 408/5xx → upstream_error; other 4xx → client_error.
 */
export function classifyGeminiFailure(failure: UpstreamFailure, now = Date.now()): FailureClass {
  const { status } = failure;
  const error = readGeminiError(failure.body);
  const message = error.message ?? (failure.body.slice(0, 200) || `HTTP ${status}`);
  if (hasReason(error, "API_KEY_INVALID") || /API key (not valid|expired|not found)/i.test(message)) {
    return { kind: "key_invalid", message };
  }
  if (status === 401 || (status === 403 && (error.status === "PERMISSION_DENIED" || error.status === undefined))) {
    return { kind: "key_invalid", message };
  }
  if (status === 429) {
    const window = quotaWindow(error);
    const retryInfo = error.details?.find((d) => d.retryDelay !== undefined)?.retryDelay;
    let retryAfterMs = parseDuration(retryInfo) ?? parseRetryAfter(failure.headers);
    // A per-day quota's RetryInfo often says "retry in 20s"; retrying then just fails again.
    // The quota actually comes back at the daily reset.
    if (window === "day") retryAfterMs = Math.max(retryAfterMs ?? 0, msUntilPacificMidnight(now));
    return {
      kind: "rate_limited",
      message,
      retryAfterMs,
      scope: "model",
      ...(window ? { window } : {}),
    };
  }
  if (status === 408 || status >= 500) return { kind: "upstream_error", message };
  return { kind: "client_error", message };
}

/** Google's canonical status names for the HTTP statuses the gateway produces. */
const GOOGLE_STATUS: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  413: "INVALID_ARGUMENT",
  429: "RESOURCE_EXHAUSTED",
  499: "CANCELLED",
  500: "INTERNAL",
  502: "UNAVAILABLE",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

/**
 * A gateway error in Google's shape, `{"error":{"code","message","status"}}`, which Gemini
 * clients (`@google/genai`) parse on native routes.
 */
export function formatGeminiError(error: { status: number; message: string; retryAfter?: number }): Response {
  const headers = new Headers({ "content-type": "application/json; charset=utf-8" });
  if (error.retryAfter !== undefined) headers.set("retry-after", String(Math.max(0, Math.ceil(error.retryAfter))));
  const body = {
    error: { code: error.status, message: error.message, status: GOOGLE_STATUS[error.status] ?? "UNKNOWN" },
  };
  return new Response(JSON.stringify(body), { status: error.status, headers });
}
