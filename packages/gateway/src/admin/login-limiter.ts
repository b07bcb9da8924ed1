/**
 * Failed-login throttling per client IP: after `max` failures within `windowMs` the IP gets
 * 429 with `retry-after` until the oldest failure leaves the window. In memory, per instance:
 * several instances each allow `max`, which still turns brute force into a crawl.
 */
import type { Context } from "hono";
import { errors } from "../spec/errors.js";

export interface LoginLimiterOptions {
  /** Failures allowed per window. @default 5 */
  max?: number;
  /** @default 60000 */
  windowMs?: number;
  now?: () => number;
}

/**
 * The client's IP: `cf-connecting-ip` (set by Cloudflare), the first `x-forwarded-for` hop,
 * then the socket address the Node adapter exposes as `env.incoming`. Never imports Node.
 */
export function clientIp(c: Context): string {
  const cf = c.req.header("cf-connecting-ip")?.trim();
  if (cf) return cf;
  const forwarded = c.req.header("x-forwarded-for")?.split(",")[0]?.trim();
  if (forwarded) return forwarded;
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? "unknown";
}

export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly max: number;
  private readonly windowMs: number;
  private readonly now: () => number;

  constructor(options: LoginLimiterOptions = {}) {
    this.max = options.max ?? 5;
    this.windowMs = options.windowMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Throws a 429 when `ip` has used up its failures. */
  assertAllowed(ip: string): void {
    const recent = this.recent(ip);
    if (recent.length < this.max) return;
    const retryAfter = Math.max(1, Math.ceil(((recent[0] ?? 0) + this.windowMs - this.now()) / 1000));
    throw errors.rateLimited(
      `Too many failed sign-in attempts from your address: try again in ${retryAfter} s.`,
      retryAfter,
      "too_many_login_attempts",
    );
  }

  fail(ip: string): void {
    const recent = this.recent(ip);
    recent.push(this.now());
    this.failures.set(ip, recent);
    // Bound memory under a spray of addresses: forget the oldest entries.
    if (this.failures.size > 10_000) {
      const first = this.failures.keys().next().value;
      if (first !== undefined) this.failures.delete(first);
    }
  }

  reset(ip: string): void {
    this.failures.delete(ip);
  }

  private recent(ip: string): number[] {
    const since = this.now() - this.windowMs;
    return (this.failures.get(ip) ?? []).filter((at) => at > since);
  }
}
