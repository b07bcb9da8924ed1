/**
 * The login throttle's two lines on the storage's shared counters, so N instances allow the
 * budget of one: `login.<bucket>.<window>` per client and `login.global.<window>` across all
 * clients, both fixed windows of `windowMs`. Both are taken in one concurrent round trip before
 * the password is hashed; a line that refuses gives back what the other took.
 */
import { GatewayError } from "../spec/errors.js";
import type { CounterStore } from "../spec/storage.js";

export interface SharedLoginLimits {
  max: number;
  globalMax: number;
  windowMs: number;
}

export type Taken =
  /** Counted; `tripped` when this attempt brought the global count to its ceiling. */
  | { kind: "counted"; tripped: boolean }
  /** The client used its window's budget: refused until `until`. */
  | { kind: "client"; until: number }
  /** The global ceiling was already reached (by any instance). */
  | { kind: "global" };

/** The 503 when the shared counters fail: a guess is never evaluated unthrottled. */
export function loginCountersUnavailable(): GatewayError {
  return new GatewayError(
    "Password sign-in is unavailable: the shared counters that throttle sign-in attempts across gateway instances cannot be reached (storage error). Retry shortly; admin tokens are not affected by the throttle.",
    { status: 503, type: "server_error", code: "login_counters_unavailable", retryAfter: 1 },
  );
}

export class SharedLoginCounts {
  /** Clients the shared counters refused, until their window ends (a cheap local pre-check). */
  private readonly blocked = new Map<string, number>();

  constructor(
    private readonly counters: CounterStore,
    private readonly limits: SharedLoginLimits,
  ) {}

  blockedUntil(client: string, now: number): number | undefined {
    const until = this.blocked.get(client);
    if (until === undefined) return undefined;
    if (until > now) return until;
    this.blocked.delete(client);
    return undefined;
  }

  async take(client: string, now: number): Promise<Taken> {
    const { max, globalMax, windowMs } = this.limits;
    const [own, all] = this.names(client, now);
    const ttlMs = 2 * windowMs;
    const [mine, global] = await Promise.allSettled([
      this.counters.increment(own, 1, { ttlMs, limit: max }),
      this.counters.increment(all, 1, { ttlMs, limit: globalMax }),
    ]);
    const ownTaken = mine.status === "fulfilled" && mine.value.applied;
    const globalTaken = global.status === "fulfilled" && global.value.applied;
    if (ownTaken && globalTaken) return { kind: "counted", tripped: global.value.value >= globalMax };
    // Refused (or failed) on one line: the other's count goes back.
    await Promise.all([ownTaken ? this.back(own) : undefined, globalTaken ? this.back(all) : undefined]);
    if (mine.status === "rejected" || global.status === "rejected") throw loginCountersUnavailable();
    if (!globalTaken) return { kind: "global" };
    const until = (Math.floor(now / windowMs) + 1) * windowMs;
    if (this.blocked.size >= 1_000) for (const [c, t] of this.blocked) if (t <= now) this.blocked.delete(c);
    this.blocked.set(client, until);
    return { kind: "client", until };
  }

  /** A success frees its own slot on both lines (in the window it was counted in). */
  async giveBack(client: string, countedAt: number): Promise<void> {
    const [own, all] = this.names(client, countedAt);
    this.blocked.delete(client);
    await Promise.all([this.back(own), this.back(all)]);
  }

  private names(client: string, now: number): [string, string] {
    const window = Math.floor(now / this.limits.windowMs);
    return [`login.${client}.${window}`, `login.global.${window}`];
  }

  private back(name: string): Promise<void> {
    return this.counters.increment(name, -1, { ttlMs: 2 * this.limits.windowMs }).then(
      () => {},
      () => {},
    );
  }
}
