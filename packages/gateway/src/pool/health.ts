/**
 * The key health state machine, as pure functions from (record, event) to a patch.
 *
 *   active ──429──▶ cooling ──(cooldown expires)──▶ active
 *   active ──401/403/dead-key──▶ invalid ──(re-check passes)──▶ active
 *   active ──no credit──▶ exhausted ──(re-check finds credit)──▶ active
 *   any ──admin──▶ disabled ──admin──▶ active
 *
 * Per-model rate limits cool only the (key, model) pair and leave the key active.
 */
import type { FailureClass, KeyCheckResult } from "../spec/provider.js";
import type { KeyPatch, KeyRecord } from "../spec/storage.js";

export interface HealthPolicy {
  /** First cooldown when the upstream gives no `retry-after`. @default 1000 */
  cooldownBaseMs: number;
  /** Cap of the exponential backoff. @default 300000 (5 min) */
  cooldownMaxMs: number;
  /** A per-day quota without a reset time cools for this long. @default 3600000 (1 h) */
  dailyQuotaCooldownMs: number;
  /** Invalid keys are re-checked after this long (half-open probe). @default 3600000 (1 h) */
  recheckInvalidMs: number;
  /** Exhausted keys are re-checked after this long. @default 21600000 (6 h) */
  recheckExhaustedMs: number;
  /** Healthy keys are re-checked (balance refresh) after this long. @default 43200000 (12 h) */
  recheckActiveMs: number;
  /** A balance at or below this marks a key exhausted. @default 0 */
  balanceThreshold: number;
  /** Consecutive upstream errors (5xx, network) after which a key cools down briefly. @default 3 */
  upstreamErrorsBeforeCooldown: number;
}

export const defaultHealthPolicy: HealthPolicy = {
  cooldownBaseMs: 1_000,
  cooldownMaxMs: 300_000,
  dailyQuotaCooldownMs: 3_600_000,
  recheckInvalidMs: 3_600_000,
  recheckExhaustedMs: 21_600_000,
  recheckActiveMs: 43_200_000,
  balanceThreshold: 0,
  upstreamErrorsBeforeCooldown: 3,
};

/** Is the key usable for a request at `now`, ignoring per-model cooldowns? */
export function isServing(record: Pick<KeyRecord, "status" | "cooldownUntil">, now: number): boolean {
  if (record.status === "active") return true;
  return record.status === "cooling" && (record.cooldownUntil ?? 0) <= now;
}

export function cooldownFor(
  cls: Extract<FailureClass, { kind: "rate_limited" }>,
  failures: number,
  policy: HealthPolicy,
) {
  // A spent daily quota comes back at the daily reset, whatever short retry delay came with it.
  if (cls.window === "day") return Math.max(cls.retryAfterMs ?? 0, policy.dailyQuotaCooldownMs);
  // Otherwise the upstream knows best when it will serve again: honour retry-after as given.
  if (cls.retryAfterMs !== undefined) return cls.retryAfterMs;
  return Math.min(policy.cooldownBaseMs * 2 ** Math.max(0, failures), policy.cooldownMaxMs);
}

/** The patch a failed proxied request applies, or undefined when the key is not to blame. */
export function onFailure(
  record: KeyRecord,
  cls: FailureClass,
  now: number,
  policy: HealthPolicy,
  model?: string,
): KeyPatch | undefined {
  const reason = cls.message.slice(0, 300);
  switch (cls.kind) {
    case "client_error":
      return undefined;
    case "key_invalid":
      return transition(record, "invalid", reason, now, {
        nextCheckAt: now + policy.recheckInvalidMs,
        lastError: reason,
      });
    case "key_exhausted":
      return transition(record, "exhausted", reason, now, {
        nextCheckAt: now + policy.recheckExhaustedMs,
        lastError: reason,
      });
    case "rate_limited": {
      const failures = record.consecutiveFailures + 1;
      const until = now + cooldownFor(cls, record.consecutiveFailures, policy);
      if (cls.scope === "model" && model) {
        return {
          modelCooldowns: { ...pruneCooldowns(record.modelCooldowns, now), [model]: until },
          consecutiveFailures: failures,
          lastError: reason,
          updatedAt: now,
        };
      }
      return transition(record, "cooling", reason, now, {
        cooldownUntil: until,
        consecutiveFailures: failures,
        lastError: reason,
      });
    }
    case "upstream_error": {
      // Usually the upstream, not the key: keep serving — unless this key keeps failing, which a
      // short cooldown (a circuit breaker) stops from eating every request's retries.
      const failures = record.consecutiveFailures + 1;
      if (failures < policy.upstreamErrorsBeforeCooldown)
        return { consecutiveFailures: failures, lastError: reason, updatedAt: now };
      const exponent = failures - policy.upstreamErrorsBeforeCooldown;
      return transition(record, "cooling", `repeated upstream errors: ${reason}`, now, {
        cooldownUntil: now + Math.min(policy.cooldownBaseMs * 2 ** exponent, policy.cooldownMaxMs),
        consecutiveFailures: failures,
        lastError: reason,
      });
    }
  }
}

/** The patch a success applies: failures reset, an expired cooldown ends. Undefined if nothing changes. */
export function onSuccess(record: KeyRecord, now: number): KeyPatch | undefined {
  const expiredCooling = record.status === "cooling" && (record.cooldownUntil ?? 0) <= now;
  if (record.consecutiveFailures === 0 && !expiredCooling) return undefined;
  const patch: KeyPatch = { consecutiveFailures: 0, updatedAt: now };
  if (expiredCooling)
    Object.assign(patch, transition(record, "active", "cooldown over", now, { cooldownUntil: undefined }));
  return patch;
}

/** The patch a key check applies. An `error` result never touches the balance. */
export function onCheck(record: KeyRecord, result: KeyCheckResult, now: number, policy: HealthPolicy): KeyPatch {
  const base: KeyPatch = { lastCheckedAt: now, lastCheck: result.status, updatedAt: now };
  if (record.status === "disabled") {
    if (result.status === "valid" || result.status === "exhausted") {
      return { ...base, balance: result.balance, balanceDetail: result.balanceDetail };
    }
    return base;
  }
  switch (result.status) {
    case "valid": {
      const lowBalance = result.balance !== undefined && result.balance <= policy.balanceThreshold;
      const status = lowBalance ? "exhausted" : "active";
      const reason = lowBalance ? `balance ${result.balance} at or below ${policy.balanceThreshold}` : "check passed";
      return {
        ...base,
        ...transition(record, status, reason, now, { cooldownUntil: undefined }),
        balance: result.balance,
        balanceDetail: result.balanceDetail,
        consecutiveFailures: 0,
        nextCheckAt: now + (lowBalance ? policy.recheckExhaustedMs : policy.recheckActiveMs),
      };
    }
    case "exhausted":
      return {
        ...base,
        ...transition(record, "exhausted", result.message, now, {}),
        balance: result.balance,
        balanceDetail: result.balanceDetail,
        nextCheckAt: now + policy.recheckExhaustedMs,
      };
    case "invalid":
      return {
        ...base,
        ...transition(record, "invalid", result.message, now, {}),
        lastError: result.message,
        nextCheckAt: now + policy.recheckInvalidMs,
      };
    case "error":
      // Not a statement about the key: keep status and balance, look again soon.
      return { ...base, lastError: result.message, nextCheckAt: now + Math.min(policy.recheckInvalidMs, 600_000) };
  }
}

function transition(
  record: KeyRecord,
  status: KeyRecord["status"],
  reason: string,
  now: number,
  extra: KeyPatch,
): KeyPatch {
  const changed = record.status !== status;
  return {
    ...extra,
    status,
    statusReason: reason,
    statusChangedAt: changed ? now : record.statusChangedAt,
    updatedAt: now,
  };
}

function pruneCooldowns(cooldowns: Record<string, number> | undefined, now: number): Record<string, number> {
  const out: Record<string, number> = {};
  if (cooldowns) for (const [model, until] of Object.entries(cooldowns)) if (until > now) out[model] = until;
  return out;
}
