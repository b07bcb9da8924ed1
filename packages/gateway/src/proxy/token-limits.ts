/**
 * Per-token limits: requests per minute and daily request/token quotas, answered with
 * OpenAI-style 429s. Minute windows are counted by this instance; daily quotas add the usage
 * other instances have written (refreshed with shared state), so replicas converge on them.
 */
import type { UsageMeter } from "../pool/usage-meter.js";
import { errors } from "../spec/errors.js";
import type { TokenRecord } from "../spec/storage.js";

export class TokenLimits {
  private minute = new Map<string, { window: number; count: number }>();
  /** Today's usage by other instances, per token id. */
  private others = new Map<string, { requests: number; tokens: number }>();

  constructor(
    private readonly meter: UsageMeter,
    private readonly now: () => number = Date.now,
  ) {}

  setOthers(usage: Map<string, { requests: number; tokens: number }>): void {
    this.others = usage;
  }

  /** Throws a 429 when the token is over a limit; otherwise counts the request. */
  admit(token: TokenRecord | undefined): void {
    if (!token) return;
    const at = this.now();
    if (token.rpm !== undefined) {
      const window = Math.floor(at / 60_000);
      const slot = this.minute.get(token.id);
      const count = slot && slot.window === window ? slot.count : 0;
      if (count >= token.rpm) {
        const retryAfter = Math.ceil(((window + 1) * 60_000 - at) / 1000);
        throw errors.rateLimited(
          `Token '${token.name}' is limited to ${token.rpm} requests per minute.`,
          retryAfter,
          "token_rpm_exceeded",
        );
      }
      this.minute.set(token.id, { window, count: count + 1 });
    }
    if (token.dailyRequests !== undefined || token.dailyTokens !== undefined) {
      const local = this.meter.local("token", token.id);
      const other = this.others.get(token.id) ?? { requests: 0, tokens: 0 };
      const requests = (local?.requests ?? 0) + other.requests;
      const tokens = (local ? local.promptTokens + local.completionTokens : 0) + other.tokens;
      const untilMidnight = Math.ceil((86_400_000 - (at % 86_400_000)) / 1000);
      if (token.dailyRequests !== undefined && requests >= token.dailyRequests) {
        throw errors.rateLimited(
          `Token '${token.name}' used its daily quota of ${token.dailyRequests} requests.`,
          untilMidnight,
          "token_daily_quota_exceeded",
        );
      }
      if (token.dailyTokens !== undefined && tokens >= token.dailyTokens) {
        throw errors.rateLimited(
          `Token '${token.name}' used its daily quota of ${token.dailyTokens} tokens.`,
          untilMidnight,
          "token_daily_quota_exceeded",
        );
      }
    }
  }
}

/** A token's provider and model scope; throws an OpenAI-style 403 outside it. */
export function checkTokenScope(token: TokenRecord | undefined, providerId: string, model: string | undefined): void {
  if (!token) return;
  if (token.providers && !token.providers.includes(providerId)) {
    throw errors.forbidden(`This token may not use provider '${providerId}'.`, "provider_not_allowed");
  }
  if (token.models && model && !token.models.includes(model)) {
    throw errors.forbidden(`This token may not use model '${model}'.`, "model_not_allowed");
  }
}
