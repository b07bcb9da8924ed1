/**
 * What the gateway needs of `Storage.counters`, run against every storage that has them: a
 * limit of N admits exactly N under concurrency, give-backs, expiry. `sleepPast(ms)` moves the
 * storage's clock (or real time) past an expiry.
 */
import type { CounterStore } from "@keyhive/gateway";
import { describe, expect, it } from "vitest";

export interface CounterCase {
  name: string;
  create(): Promise<CounterStore> | CounterStore;
  sleepPast(ms: number): Promise<void>;
}

export function testCounters({ name, create, sleepPast }: CounterCase): void {
  describe(`${name}: shared counters`, () => {
    it("200 concurrent increments with a limit of 50 apply exactly 50", async () => {
      const counters = await create();
      const results = await Promise.all(
        Array.from({ length: 200 }, () => counters.increment("rpm.tok-a.1", 1, { ttlMs: 60_000, limit: 50 })),
      );
      expect(results.filter((r) => r.applied)).toHaveLength(50);
      expect(results.filter((r) => !r.applied).every((r) => r.value === 50)).toBe(true);
      expect(await counters.get("rpm.tok-a.1")).toBe(50);
    });

    it("gives back with a negative amount (never refused), and reports absent counters as 0", async () => {
      const counters = await create();
      expect(await counters.get("day.req.none.2026-01-01")).toBe(0);
      await counters.increment("day.req.t.2026-01-01", 1, { ttlMs: 60_000, limit: 1 });
      expect((await counters.increment("day.req.t.2026-01-01", 1, { ttlMs: 60_000, limit: 1 })).applied).toBe(false);
      expect(await counters.increment("day.req.t.2026-01-01", -1, { ttlMs: 60_000, limit: 1 })).toEqual({
        applied: true,
        value: 0,
      });
      expect((await counters.increment("day.req.t.2026-01-01", 1, { ttlMs: 60_000, limit: 1 })).applied).toBe(true);
      expect((await counters.increment("day.tok.t.2026-01-01", 1_500, { ttlMs: 60_000 })).value).toBe(1_500);
    });

    it("expires a counter ttlMs after its first increment (later ones do not extend it)", async () => {
      const counters = await create();
      await counters.increment("login.192.0.2.1.7", 1, { ttlMs: 150, limit: 1 });
      await counters.increment("login.192.0.2.1.7", -1, { ttlMs: 10_000 });
      await counters.increment("login.192.0.2.1.7", 1, { ttlMs: 10_000, limit: 1 });
      expect(await counters.get("login.192.0.2.1.7")).toBe(1);
      await sleepPast(200);
      expect(await counters.get("login.192.0.2.1.7")).toBe(0);
      expect((await counters.increment("login.192.0.2.1.7", 1, { ttlMs: 150, limit: 1 })).applied).toBe(true);
    });
  });
}
