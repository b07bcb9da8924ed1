import { describe, expect, it } from "vitest";
import type { HistoryEntry, KeyRecord } from "../spec/storage.js";
import { balanceBuckets, balanceSummary, balanceTrend, outlierCap, percentile } from "./stats.js";

const key = (id: string, balance: number | undefined, status: KeyRecord["status"] = "active"): KeyRecord => ({
  id,
  provider: "p",
  secret: id,
  hash: id,
  tags: [],
  weight: 1,
  status,
  statusChangedAt: 0,
  consecutiveFailures: 0,
  addedAt: 0,
  updatedAt: 0,
  balance,
});

describe("dashboard figures", () => {
  it("summarises balances: sum, avg, median, min valid, max", () => {
    const keys = [
      key("a", 2),
      key("b", 14),
      key("c", 0, "exhausted"),
      key("d", 100),
      key("e", 50, "invalid"),
      key("f", undefined),
    ];
    expect(balanceSummary(keys)).toEqual({ sum: 116, avg: 29, median: 8, minValid: 2, max: 100, count: 4 });
    expect(balanceSummary([])).toEqual({ sum: 0, avg: 0, median: 0, minValid: 0, max: 0, count: 0 });
  });

  it("buckets balances at 10, 12, 13, 14, 100 and 1000", () => {
    const keys = [0, 9.99, 10, 12.5, 13, 14, 99, 100, 999, 1000, 5000].map((b, i) => key(String(i), b));
    expect(balanceBuckets(keys).map((b) => [b.label, b.count])).toEqual([
      ["0–10", 2],
      ["10–12", 1],
      ["12–13", 1],
      ["13–14", 1],
      ["14–100", 2],
      ["100–1000", 2],
      ["1000+", 2],
    ]);
  });

  it("caps outliers at twice the 75th percentile", () => {
    expect(percentile([1, 2, 3, 4, 5], 0.75)).toBe(4);
    expect(outlierCap([1, 2, 3, 4, 5])).toBe(8);
    expect(outlierCap([])).toBeUndefined();
  });

  it("builds a total-balance time series from balance history", () => {
    const day = 86_400_000;
    const entry = (at: number, keyId: string, balance: number): HistoryEntry => ({
      at,
      kind: "balance",
      keyId,
      data: { balance },
    });
    const entries = [entry(0, "a", 10), entry(1000, "b", 20), entry(day + 5, "a", 4), entry(2 * day, "c", 1000)];
    expect(balanceTrend(entries, { stepMs: day, filterOutliers: false })).toEqual([
      { at: 0, total: 30, count: 2 },
      { at: day, total: 24, count: 2 },
      { at: 2 * day, total: 1024, count: 3 },
    ]);
    const capped = balanceTrend(entries, { stepMs: day, filterOutliers: true });
    expect(capped.at(-1)?.total).toBeLessThan(1024);
  });
});
