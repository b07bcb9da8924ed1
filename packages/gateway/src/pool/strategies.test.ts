import { describe, expect, it } from "vitest";
import { type Candidate, leastRecentlyUsed, random, roundRobin, weighted } from "./strategies.js";

/** Deterministic PRNG (mulberry32) so statistical bounds are checked on a fixed sequence. */
function seeded(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const list = (n: number, weight = (_i: number) => 1): { items: Candidate[]; version: number } => ({
  items: Array.from({ length: n }, (_, i) => ({ id: `k${i}`, weight: weight(i), balance: i })),
  version: 1,
});
const all = () => true;

function tally(pick: () => Candidate | undefined, n: number) {
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const c = pick();
    if (c) counts.set(c.id, (counts.get(c.id) ?? 0) + 1);
  }
  return counts;
}

describe("selection strategies", () => {
  it("random is uniform within statistical bounds (chi-square, 10 keys, 20k picks)", () => {
    const strategy = random(seeded(42));
    const candidates = list(10);
    const counts = tally(() => strategy(candidates, all), 20_000);
    const expected = 2000;
    let chi = 0;
    for (const c of candidates.items) chi += ((counts.get(c.id) ?? 0) - expected) ** 2 / expected;
    // 9 degrees of freedom: p = 0.001 critical value is 27.88.
    expect(chi).toBeLessThan(27.88);
  });

  it("random never returns an unusable key, even when only one is usable", () => {
    const strategy = random(seeded(1));
    const candidates = list(1000);
    for (let i = 0; i < 200; i++) expect(strategy(candidates, (c) => c.id === "k777")?.id).toBe("k777");
    expect(strategy(candidates, () => false)).toBeUndefined();
  });

  it("round-robin is exact", () => {
    const strategy = roundRobin();
    const candidates = list(4);
    const picks = Array.from({ length: 8 }, () => strategy(candidates, all)?.id);
    expect(picks).toEqual(["k0", "k1", "k2", "k3", "k0", "k1", "k2", "k3"]);
    // Skips unusable keys without losing its place.
    const skip = Array.from({ length: 4 }, () => strategy(candidates, (c) => c.id !== "k1")?.id);
    expect(skip).toEqual(["k0", "k2", "k3", "k0"]);
  });

  it("weighted follows the weights within bounds and never picks weight 0", () => {
    const strategy = weighted({ rand: seeded(7) });
    const candidates = list(4, (i) => [1, 2, 7, 0][i] as number);
    const counts = tally(() => strategy(candidates, all), 50_000);
    expect(counts.get("k3")).toBeUndefined();
    expect((counts.get("k2") ?? 0) / 50_000).toBeCloseTo(0.7, 1);
    expect((counts.get("k1") ?? 0) / 50_000).toBeCloseTo(0.2, 1);
    expect((counts.get("k0") ?? 0) / 50_000).toBeCloseTo(0.1, 1);
  });

  it("weighted by balance prefers richer keys", () => {
    const strategy = weighted({ by: "balance", rand: seeded(9) });
    const candidates = list(3); // balances 0, 1, 2
    const counts = tally(() => strategy(candidates, all), 30_000);
    expect(counts.get("k0")).toBeUndefined();
    expect((counts.get("k2") ?? 0) / 30_000).toBeCloseTo(2 / 3, 1);
  });

  it("least-recently-used cycles through every key before reusing one", () => {
    const strategy = leastRecentlyUsed();
    const candidates = list(5);
    const first = Array.from({ length: 5 }, () => strategy(candidates, all)?.id);
    expect(new Set(first).size).toBe(5);
    const next = strategy(candidates, all)?.id;
    expect(next).toBe(first[0]);
    // A key added later has never been used: it goes first.
    const grown = { items: [...candidates.items, { id: "new", weight: 1 }], version: 2 };
    expect(strategy(grown, all)?.id).toBe("new");
  });
});
