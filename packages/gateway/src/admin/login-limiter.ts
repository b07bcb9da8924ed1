/**
 * Password-guess throttling, in two lines:
 *
 * 1. Per client (the address `ProxyTrust` resolves; an IPv6 client's /64): `max` attempts in a
 *    sliding `windowMs`. An attempt is counted *before* the slow hash runs, so however many
 *    guesses arrive at once, at most `max` are evaluated; the rest are 429 without hashing. A
 *    success frees its own slot only (it does not wipe earlier failures: knowing the guest
 *    password must not buy more admin guesses). Clients whose address is unknown share one bucket.
 * 2. Across all clients: `globalMax` attempts per window. Reaching it pauses every password
 *    check for `windowMs`, doubled at each consecutive trip up to `maxPauseMs` — a spray from many
 *    addresses slows to a crawl. Admin tokens and open sessions are never throttled.
 *
 * Without `counters`, in memory, per instance: several instances each allow their own budget.
 * With the storage's shared counters (login-counters.ts) both lines are fixed windows counted
 * across instances — N instances allow the budget of one; a fixed window lets a client spend
 * its budget at the end of one window and again at the start of the next (2 × `max` within a
 * few seconds at worst). Each instance pauses on its own once the shared global count reaches
 * `globalMax`, with the same doubling.
 */
import type { Context } from "hono";
import { errors } from "../spec/errors.js";
import type { CounterStore } from "../spec/storage.js";
import { clientBucket } from "../util/ip.js";
import { SharedLoginCounts } from "./login-counters.js";
import { ProxyTrust } from "./proxy-trust.js";

export interface LoginLimiterOptions {
  /** Attempts allowed per client and window. @default 5 */
  max?: number;
  /** Attempts allowed across all clients per window before sign-in pauses. @default 10 × max */
  globalMax?: number;
  /** @default 60000 */
  windowMs?: number;
  /** Longest global pause. @default 16 × windowMs */
  maxPauseMs?: number;
  /** Who the client is. @default new ProxyTrust() (the runtime's peer address, no proxy) */
  trust?: ProxyTrust;
  /** The storage's shared counters: the throttle then holds across instances. */
  counters?: CounterStore;
  now?: () => number;
}

/** The bucket of clients whose address is unknown: throttled together, never unlimited. */
export const UNKNOWN_CLIENT = "unknown";

/** One counted attempt; settle it once the password was checked. */
export interface LoginAttempt {
  succeeded(): void;
  failed(): void;
}

interface Slot {
  at: number;
}

export class LoginLimiter {
  readonly trust: ProxyTrust;
  private readonly perClient = new Map<string, Slot[]>();
  private global: Slot[] = [];
  private pausedUntil = 0;
  private pauses = 0;
  private readonly inFlight = new Map<string, Promise<boolean>>();
  private readonly max: number;
  private readonly globalMax: number;
  private readonly windowMs: number;
  private readonly maxPauseMs: number;
  private readonly now: () => number;
  private readonly shared: SharedLoginCounts | undefined;

  constructor(options: LoginLimiterOptions = {}) {
    this.max = options.max ?? 5;
    this.globalMax = options.globalMax ?? this.max * 10;
    this.windowMs = options.windowMs ?? 60_000;
    this.maxPauseMs = options.maxPauseMs ?? this.windowMs * 16;
    this.trust = options.trust ?? new ProxyTrust();
    this.now = options.now ?? Date.now;
    this.shared = options.counters
      ? new SharedLoginCounts(options.counters, { max: this.max, globalMax: this.globalMax, windowMs: this.windowMs })
      : undefined;
  }

  /** The throttling bucket of a request's client. */
  clientOf(c: Context): string {
    const ip = this.trust.clientIp(c);
    return ip ? clientBucket(ip) : UNKNOWN_CLIENT;
  }

  /** Throws the 429 a new attempt from `client` would get now, if any. */
  assertAllowed(client: string): void {
    const now = this.now();
    if (now < this.pausedUntil) {
      const retryAfter = Math.max(1, Math.ceil((this.pausedUntil - now) / 1000));
      throw errors.rateLimited(
        `Too many failed sign-in attempts on this gateway (from all addresses): password sign-in is paused for ${retryAfter} s. Admin tokens and signed-in sessions keep working.`,
        retryAfter,
        "too_many_login_attempts",
      );
    }
    if (this.shared) {
      // What this instance last heard from the shared counters; they decide in `check`.
      const until = this.shared.blockedUntil(client, now);
      if (until !== undefined) throw clientThrottled(Math.max(1, Math.ceil((until - now) / 1000)));
      return;
    }
    const recent = this.recent(client);
    if (recent.length < this.max) return;
    throw clientThrottled(Math.max(1, Math.ceil(((recent[0]?.at ?? now) + this.windowMs - now) / 1000)));
  }

  /** Counts one attempt for `client` now (throws 429 when none is left); settle it after the check. */
  begin(client: string): LoginAttempt {
    this.assertAllowed(client);
    const now = this.now();
    const slot: Slot = { at: now };
    const recent = this.recent(client);
    recent.push(slot);
    this.perClient.set(client, recent);
    this.global = this.global.filter((s) => s.at > now - this.windowMs);
    this.global.push(slot);
    if (this.global.length >= this.globalMax) this.pause(now);
    this.sweep(now);
    let settled = false;
    return {
      succeeded: () => {
        if (settled) return;
        settled = true;
        this.release(client, slot);
      },
      failed: () => {
        settled = true; // the slot stays until it leaves the window
      },
    };
  }

  /**
   * Checks one password guess under the throttle. `guess` identifies it (a digest): identical
   * guesses in flight share one evaluation and one slot — thirty parallel calls of a script with
   * the right password cost one hash, not thirty slots.
   */
  async check(c: Context, guess: string, verify: () => Promise<boolean>): Promise<boolean> {
    const client = this.clientOf(c);
    this.assertAllowed(client);
    const pending = this.inFlight.get(guess);
    if (pending) return pending;
    // Counted before the slow hash: in memory at once, on shared counters before the first await.
    const counted = this.shared ? undefined : this.begin(client);
    const run = (async () => {
      try {
        const attempt = counted ?? (await this.beginShared(client));
        try {
          const ok = await verify();
          if (ok) attempt.succeeded();
          else attempt.failed();
          return ok;
        } catch (error) {
          attempt.succeeded(); // not a guess that failed: the check itself did (storage down)
          throw error;
        }
      } finally {
        this.inFlight.delete(guess);
      }
    })();
    this.inFlight.set(guess, run);
    return run;
  }

  /** One attempt counted on the shared counters (a 429 when none is left, a 503 when they fail). */
  private async beginShared(client: string): Promise<LoginAttempt> {
    const shared = this.shared as SharedLoginCounts;
    const now = this.now();
    const taken = await shared.take(client, now);
    if (taken.kind === "client") throw clientThrottled(Math.max(1, Math.ceil((taken.until - now) / 1000)));
    if (taken.kind === "global" || taken.tripped) this.pause(now);
    if (taken.kind === "global") this.assertAllowed(client);
    let settled = false;
    return {
      succeeded: () => {
        if (settled) return;
        settled = true;
        void shared.giveBack(client, now);
      },
      failed: () => {
        settled = true;
      },
    };
  }

  private pause(now: number): void {
    // A trip long after the last pause ended starts the doubling over.
    if (now > this.pausedUntil + this.windowMs) this.pauses = 0;
    const pauseMs = Math.min(this.maxPauseMs, this.windowMs * 2 ** this.pauses);
    this.pauses += 1;
    this.pausedUntil = now + pauseMs;
    this.global = [];
  }

  private release(client: string, slot: Slot): void {
    const list = this.perClient.get(client);
    if (list) {
      const rest = list.filter((s) => s !== slot);
      if (rest.length) this.perClient.set(client, rest);
      else this.perClient.delete(client);
    }
    this.global = this.global.filter((s) => s !== slot);
  }

  private recent(client: string): Slot[] {
    const since = this.now() - this.windowMs;
    return (this.perClient.get(client) ?? []).filter((s) => s.at > since);
  }

  /** Forgets clients whose attempts all left the window (the global ceiling bounds how many there are). */
  private sweep(now: number): void {
    if (this.perClient.size < 1_000) return;
    for (const [client, slots] of this.perClient) {
      if (!slots.some((s) => s.at > now - this.windowMs)) this.perClient.delete(client);
    }
  }
}

function clientThrottled(retryAfter: number) {
  return errors.rateLimited(
    `Too many failed sign-in attempts from your address: try again in ${retryAfter} s.`,
    retryAfter,
    "too_many_login_attempts",
  );
}
