/**
 * Per-token limits: requests per minute and daily request/token quotas, answered with
 * OpenAI-style 429s. Both request limits are counted at admission, so concurrent requests
 * cannot overshoot them on one instance: the minute window counts admitted requests, and each
 * admitted request holds a daily reservation until its usage is recorded (or it ends without
 * an outcome). Daily token quotas can only compare tokens already used: an in-flight request's
 * tokens are unknown until its answer ends.
 *
 * That is this instance's view. With the storage's shared counters, {@link TokenLimits.reserve}
 * enforces the same limits across instances instead (shared-limits.ts); without them each
 * instance counts alone: N instances may serve up to N × rpm and N × a daily quota (see README,
 * "Consistency across instances").
 */
import type { UsageMeter } from "../pool/usage-meter.js";
import { errors } from "../spec/errors.js";
import type { CounterStore, TokenRecord } from "../spec/storage.js";
import { type ReleaseReservation, SharedTokenLimits } from "./shared-limits.js";

export type { RecordedUsage, ReleaseReservation } from "./shared-limits.js";

const nothingToRelease: ReleaseReservation = () => {};

export class TokenLimits {
  private minute = new Map<string, { window: number; count: number }>();
  /** Admitted requests per token whose usage is not recorded yet. */
  private reserved = new Map<string, number>();
  /** Today's usage by other instances, per token id (nothing feeds it yet: always empty). */
  private others = new Map<string, { requests: number; tokens: number }>();
  private readonly shared: SharedTokenLimits | undefined;

  constructor(
    private readonly meter: UsageMeter,
    private readonly now: () => number = Date.now,
    counters?: CounterStore,
  ) {
    this.shared = counters ? new SharedTokenLimits(counters, meter, now) : undefined;
  }

  setOthers(usage: Map<string, { requests: number; tokens: number }>): void {
    this.others = usage;
  }

  /**
   * Admission for the proxy: on the shared counters when the storage has them (one concurrent
   * round trip; a 503 if they fail), else {@link admit}. A token without limits touches nothing.
   */
  async reserve(token: TokenRecord | undefined): Promise<ReleaseReservation> {
    if (!token || (token.rpm === undefined && token.dailyRequests === undefined && token.dailyTokens === undefined))
      return nothingToRelease;
    return this.shared ? this.shared.admit(token) : this.admit(token);
  }

  /**
   * This instance's counts only. Throws a 429 when the token is over a limit; otherwise counts the request against its
   * minute window and reserves one of its daily requests. The caller must release the
   * reservation exactly when the request's usage is recorded (same synchronous step) or when it
   * ends without an outcome.
   */
  admit(token: TokenRecord | undefined): ReleaseReservation {
    if (!token) return nothingToRelease;
    const at = this.now();
    // Every check before any count: a request refused by one limit uses up no other.
    const window = Math.floor(at / 60_000);
    const slot = this.minute.get(token.id);
    const minuteCount = slot && slot.window === window ? slot.count : 0;
    if (token.rpm !== undefined && minuteCount >= token.rpm) {
      const retryAfter = Math.ceil(((window + 1) * 60_000 - at) / 1000);
      throw errors.rateLimited(
        `Token '${token.name}' is limited to ${token.rpm} requests per minute.`,
        retryAfter,
        "token_rpm_exceeded",
      );
    }
    const reserved = this.reserved.get(token.id) ?? 0;
    if (token.dailyRequests !== undefined || token.dailyTokens !== undefined) {
      const local = this.meter.local("token", token.id);
      const other = this.others.get(token.id) ?? { requests: 0, tokens: 0 };
      const requests = (local?.requests ?? 0) + other.requests + reserved;
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
    if (token.rpm !== undefined) this.minute.set(token.id, { window, count: minuteCount + 1 });
    if (token.dailyRequests === undefined) return nothingToRelease;
    this.reserved.set(token.id, reserved + 1);
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      const left = (this.reserved.get(token.id) ?? 1) - 1;
      if (left > 0) this.reserved.set(token.id, left);
      else this.reserved.delete(token.id);
    };
  }
}
