/**
 * Per-token limits on the storage's shared counters, so N instances allow what one would:
 *
 * - rpm: the calendar minute's counter `rpm.<token>.<minute>`, incremented with `limit: rpm` at
 *   admission. Exact across instances.
 * - dailyRequests: `day.req.<token>.<UTC day>`, reserved with `limit` at admission and given back
 *   when the request ends without an outcome. Exact across instances.
 * - dailyTokens: `day.tok.<token>.<UTC day>` is read at admission and grows by the tokens used
 *   when the usage is recorded; requests in flight are unknown, so a token may overshoot by
 *   what its in-flight requests use.
 *
 * A token with one of these limits pays one counter round trip per request (the daily tokens
 * read runs beside the reservation); rpm and dailyRequests together pay two, in that order. A
 * request refused by one limit gives back what the others took before it is answered. If the counters fail, the
 * request is refused with a 503 rather than served unlimited.
 */
import type { UsageMeter } from "../pool/usage-meter.js";
import { errors, GatewayError } from "../spec/errors.js";
import type { CounterStore, TokenRecord } from "../spec/storage.js";

/** The tokens a finished request used, as recorded in the usage meter. */
export interface RecordedUsage {
  promptTokens?: number;
  completionTokens?: number;
}

/**
 * Ends an admitted request's reservation; calling it again does nothing. With the recorded
 * usage once the outcome is recorded (same synchronous step), without it when the request ended
 * without an outcome (its daily reservation is given back).
 */
export type ReleaseReservation = (used?: RecordedUsage) => void;

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

type Limit = "rpm" | "dailyRequests" | "dailyTokens";

/** The 503 of a limited request whose shared counters failed: fail closed, never unlimited. */
export function countersUnavailable(token: TokenRecord): GatewayError {
  return new GatewayError(
    `Token '${token.name}' has limits, and the shared counters that enforce them across gateway instances are unavailable (storage error): the request was refused rather than served unlimited. Retry shortly.`,
    { status: 503, type: "server_error", code: "limit_counters_unavailable", retryAfter: 1 },
  );
}

export class SharedTokenLimits {
  constructor(
    private readonly counters: CounterStore,
    private readonly meter: UsageMeter,
    private readonly now: () => number,
  ) {}

  async admit(token: TokenRecord): Promise<ReleaseReservation> {
    const at = this.now();
    const minute = Math.floor(at / MINUTE_MS);
    const day = new Date(at - (at % DAY_MS)).toISOString().slice(0, 10);
    // Counters outlive their window a little: a late give-back must not recreate a fresh one.
    const minuteTtl = 2 * MINUTE_MS;
    const dayTtl = DAY_MS - (at % DAY_MS) + 3_600_000;
    const names = {
      rpm: `rpm.${token.id}.${minute}`,
      dailyRequests: `day.req.${token.id}.${day}`,
      dailyTokens: `day.tok.${token.id}.${day}`,
    };
    const taken: { name: string; ttlMs: number }[] = [];
    const reserve = async (limit: "rpm" | "dailyRequests", max: number | undefined, ttlMs: number) => {
      if (max === undefined) return false;
      const { applied } = await this.counters.increment(names[limit], 1, { ttlMs, limit: max });
      if (applied) taken.push({ name: names[limit], ttlMs });
      return !applied;
    };
    // One after the other: taken concurrently, two requests racing for the last slot of both
    // could each win one and lose the other, and neither be served.
    const reservations = async (): Promise<Limit | undefined> => {
      if (await reserve("rpm", token.rpm, minuteTtl)) return "rpm";
      if (await reserve("dailyRequests", token.dailyRequests, dayTtl)) return "dailyRequests";
      return undefined;
    };
    const calls: Promise<Limit | undefined>[] = [reservations()];
    if (token.dailyTokens !== undefined) {
      const max = token.dailyTokens;
      // This instance's own count covers a quota set during the day (the counter starts then).
      const local = this.meter.local("token", token.id);
      const own = local ? local.promptTokens + local.completionTokens : 0;
      calls.push(
        this.counters.get(names.dailyTokens).then((used) => (Math.max(used, own) >= max ? "dailyTokens" : undefined)),
      );
    }
    if (token.dailyTokens !== undefined) {
      const max = token.dailyTokens;
      // This instance's own count covers a quota set during the day (the counter starts then).
      const local = this.meter.local("token", token.id);
      const own = local ? local.promptTokens + local.completionTokens : 0;
      calls.push(
        this.counters.get(names.dailyTokens).then((used) => (Math.max(used, own) >= max ? "dailyTokens" : undefined)),
      );
    }
    const settled = await Promise.allSettled(calls);
    const refused = settled.map((s) => (s.status === "fulfilled" ? s.value : "failed")).filter(Boolean);
    if (refused.length > 0) {
      // Refused by one limit: the others' counts go back before the client hears of it.
      await Promise.all(taken.map(({ name, ttlMs }) => this.giveBack(name, 1, ttlMs)));
      if (refused.includes("failed")) throw countersUnavailable(token);
      throw refusal(token, refused.includes("rpm") ? "rpm" : (refused[0] as Limit), at);
    }
    let held = true;
    return (used?: RecordedUsage) => {
      if (!held) return;
      held = false;
      if (!used) {
        // Ended without an outcome: the daily reservation goes back (the minute keeps it).
        if (token.dailyRequests !== undefined) void this.giveBack(names.dailyRequests, 1, dayTtl);
        return;
      }
      const spent = (used.promptTokens ?? 0) + (used.completionTokens ?? 0);
      if (token.dailyTokens !== undefined && spent > 0)
        this.counters.increment(names.dailyTokens, spent, { ttlMs: dayTtl }).catch(() => {});
    };
  }

  /** Best effort: a give-back lost to a storage error only makes the limit stricter. */
  private giveBack(name: string, amount: number, ttlMs: number): Promise<void> {
    return this.counters.increment(name, -amount, { ttlMs }).then(
      () => {},
      () => {},
    );
  }
}

export function refusal(token: TokenRecord, limit: Limit, at: number): GatewayError {
  if (limit === "rpm") {
    const retryAfter = Math.ceil(((Math.floor(at / MINUTE_MS) + 1) * MINUTE_MS - at) / 1000);
    return errors.rateLimited(
      `Token '${token.name}' is limited to ${token.rpm} requests per minute.`,
      retryAfter,
      "token_rpm_exceeded",
    );
  }
  const untilMidnight = Math.ceil((DAY_MS - (at % DAY_MS)) / 1000);
  const quota = limit === "dailyRequests" ? `${token.dailyRequests} requests` : `${token.dailyTokens} tokens`;
  return errors.rateLimited(
    `Token '${token.name}' used its daily quota of ${quota}.`,
    untilMidnight,
    "token_daily_quota_exceeded",
  );
}
