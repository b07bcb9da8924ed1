import type { Context } from "hono";
import { describe, expect, it } from "vitest";
import { GatewayError } from "../spec/errors.js";
import { LoginLimiter, UNKNOWN_CLIENT } from "./login-limiter.js";
import { ProxyTrust } from "./proxy-trust.js";

/** A stand-in request context whose peer address is `ip`. */
const from = (ip: string | undefined) => ({ ip, req: { header: () => undefined } }) as unknown as Context;
const trust = new ProxyTrust({ clientAddress: (c) => (c as unknown as { ip?: string }).ip });

function statusOf(error: unknown) {
  return error instanceof GatewayError
    ? { status: error.status, retryAfter: error.retryAfter, message: error.message }
    : error;
}

describe("login limiter", () => {
  it("counts each attempt before it is checked: 5 per client and minute, a success frees only its own slot", async () => {
    let now = 0;
    const limiter = new LoginLimiter({ now: () => now, trust });
    let checks = 0;
    const wrong = () =>
      limiter.check(from("192.0.2.1"), `guess-${checks}`, async () => {
        checks++;
        return false;
      });
    for (let i = 0; i < 5; i++) {
      expect(await wrong()).toBe(false);
      now += 1000;
    }
    const blocked = statusOf(await wrong().catch((e) => e));
    expect(blocked).toMatchObject({ status: 429, retryAfter: 55 });
    expect((blocked as { message: string }).message).toBe(
      "Too many failed sign-in attempts from your address: try again in 55 s.",
    );
    expect(checks).toBe(5); // the 6th was never evaluated
    // Other clients are unaffected; an IPv6 client is its /64.
    expect(await limiter.check(from("192.0.2.2"), "g", async () => true)).toBe(true);
    for (let i = 0; i < 5; i++) await limiter.check(from(`2001:db8:0:1::${i + 1}`), `v6-${i}`, async () => false);
    await expect(limiter.check(from("2001:db8:0:1:ffff::9"), "v6-x", async () => true)).rejects.toMatchObject({
      status: 429,
    });
    expect(await limiter.check(from("2001:db8:0:2::1"), "v6-y", async () => true)).toBe(true);
    now = 60_001;
    expect(await limiter.check(from("192.0.2.1"), "late", async () => true)).toBe(true);

    // A success does not wipe earlier failures: 4 wrong + 1 right leaves 1 slot, not 5.
    for (let i = 0; i < 4; i++) await limiter.check(from("192.0.2.3"), `w${i}`, async () => false);
    expect(await limiter.check(from("192.0.2.3"), "right", async () => true)).toBe(true);
    expect(await limiter.check(from("192.0.2.3"), "w4", async () => false)).toBe(false);
    await expect(limiter.check(from("192.0.2.3"), "w5", async () => false)).rejects.toMatchObject({ status: 429 });
  });

  it("100 guesses at once from one client: 5 are evaluated, 95 get 429 without hashing", async () => {
    const limiter = new LoginLimiter({ trust });
    let evaluated = 0;
    const results = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) =>
        limiter.check(from("198.51.100.1"), `guess-${i}`, async () => {
          evaluated++;
          await new Promise((r) => setTimeout(r, 20)); // the slow hash
          return false;
        }),
      ),
    );
    expect(evaluated).toBe(5);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(5);
    expect(
      results.filter((r) => r.status === "rejected" && statusOf(r.reason) && (r.reason as GatewayError).status === 429),
    ).toHaveLength(95);
  });

  it("identical guesses in flight share one evaluation (a script's 30 parallel calls cost one hash)", async () => {
    const limiter = new LoginLimiter({ trust });
    let evaluated = 0;
    const verify = async () => {
      evaluated++;
      await new Promise((r) => setTimeout(r, 20));
      return true;
    };
    const results = await Promise.all(
      Array.from({ length: 30 }, () => limiter.check(from("198.51.100.2"), "same", verify)),
    );
    expect(results.every(Boolean)).toBe(true);
    expect(evaluated).toBe(1);
  });
});

describe("login limiter: shared buckets, failures and the global ceiling", () => {
  it("clients with no known address share one bucket: throttled together, not unlimited", async () => {
    const limiter = new LoginLimiter({ trust });
    expect(limiter.clientOf(from(undefined))).toBe(UNKNOWN_CLIENT);
    expect(limiter.clientOf(from("not an address"))).toBe(UNKNOWN_CLIENT);
    for (let i = 0; i < 5; i++) await limiter.check(from(undefined), `u${i}`, async () => false);
    await expect(limiter.check(from("garbage"), "u5", async () => true)).rejects.toMatchObject({ status: 429 });
  });

  it("a failing check (storage down) does not count as a wrong guess", async () => {
    const limiter = new LoginLimiter({ max: 1, trust });
    await expect(
      limiter.check(from("192.0.2.9"), "a", async () => {
        throw new Error("storage down");
      }),
    ).rejects.toThrow("storage down");
    expect(await limiter.check(from("192.0.2.9"), "b", async () => true)).toBe(true);
  });

  it("a spray from many addresses trips the global ceiling: sign-in pauses, doubling at each trip", async () => {
    let now = 0;
    const limiter = new LoginLimiter({ now: () => now, trust, globalMax: 50 });
    let evaluated = 0;
    const spray = async (count: number, offset: number) =>
      Promise.allSettled(
        Array.from({ length: count }, (_, i) =>
          limiter.check(
            from(`203.0.${Math.floor((offset + i) / 250)}.${(offset + i) % 250}`),
            `s${offset + i}`,
            async () => {
              evaluated++;
              return false;
            },
          ),
        ),
      );
    const first = await spray(100, 0);
    expect(evaluated).toBe(50);
    const paused = first.find((r) => r.status === "rejected")?.reason as GatewayError;
    expect(paused.status).toBe(429);
    expect(paused.retryAfter).toBe(60);
    expect(paused.message).toBe(
      "Too many failed sign-in attempts on this gateway (from all addresses): password sign-in is paused for 60 s. Admin tokens and signed-in sessions keep working.",
    );
    // Even a fresh address waits out the pause.
    await expect(limiter.check(from("192.0.2.200"), "fresh", async () => true)).rejects.toMatchObject({ status: 429 });
    now = 60_000;
    await spray(50, 1000); // trips again right after the pause: twice as long
    expect(evaluated).toBe(100);
    await expect(limiter.check(from("192.0.2.201"), "x", async () => true)).rejects.toMatchObject({
      status: 429,
      retryAfter: 120,
    });
    now = 180_000;
    await spray(50, 2000);
    await expect(limiter.check(from("192.0.2.202"), "y", async () => true)).rejects.toMatchObject({ retryAfter: 240 });
    // Long after the last pause, a trip starts over at one window.
    now = 10_000_000;
    await spray(50, 3000);
    await expect(limiter.check(from("192.0.2.203"), "z", async () => true)).rejects.toMatchObject({ retryAfter: 60 });
  });
});
