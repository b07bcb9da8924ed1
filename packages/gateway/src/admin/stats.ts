/** Pure dashboard figures over key records and history: summaries, buckets, trends. */
import type { HistoryEntry, KeyRecord } from "../spec/storage.js";

/** Balance buckets tuned to SiliconFlow's 14-yuan gift credit; `max` is exclusive. */
export const BALANCE_BUCKETS: { label: string; min: number; max: number | null }[] = [
  { label: "0–10", min: 0, max: 10 },
  { label: "10–12", min: 10, max: 12 },
  { label: "12–13", min: 12, max: 13 },
  { label: "13–14", min: 13, max: 14 },
  { label: "14–100", min: 14, max: 100 },
  { label: "100–1000", min: 100, max: 1000 },
  { label: "1000+", min: 1000, max: null },
];

/** Linear-interpolated percentile of ascending `values` (p in 0..1). */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const pos = (sorted.length - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

/** The outlier cap: twice the 75th percentile (undefined when there is nothing to cap). */
export function outlierCap(values: readonly number[]): number | undefined {
  const p75 = percentile(
    [...values].sort((a, b) => a - b),
    0.75,
  );
  return p75 === undefined || p75 <= 0 ? undefined : 2 * p75;
}

const round = (n: number) => Math.round(n * 100) / 100;

export function balanceSummary(records: readonly KeyRecord[]) {
  const known = records.filter((r) => r.balance !== undefined && r.status !== "invalid");
  const values = known.map((r) => r.balance as number).sort((a, b) => a - b);
  const valid = records
    .filter((r) => (r.status === "active" || r.status === "cooling") && r.balance !== undefined && r.balance > 0)
    .map((r) => r.balance as number);
  const sum = values.reduce((s, v) => s + v, 0);
  return {
    sum: round(sum),
    avg: values.length ? round(sum / values.length) : 0,
    median: values.length ? round(percentile(values, 0.5) as number) : 0,
    minValid: valid.length ? Math.min(...valid) : 0,
    max: values.length ? (values.at(-1) as number) : 0,
    count: values.length,
  };
}

export function balanceBuckets(records: readonly KeyRecord[]) {
  const buckets = BALANCE_BUCKETS.map((b) => ({ ...b, count: 0 }));
  for (const r of records) {
    if (r.balance === undefined || r.status === "invalid") continue;
    const bucket = buckets.find((b) => r.balance! >= b.min && (b.max === null || r.balance! < b.max));
    if (bucket) bucket.count++;
    else if (r.balance < 0 && buckets[0]) buckets[0].count++;
  }
  return buckets;
}

/**
 * Total balance over time: the sum of each key's latest known balance at the end of every
 * interval that saw a balance entry. Deleted keys stay in the sum with their last value, as
 * they were part of the pool then.
 */
export function balanceTrend(
  entries: readonly HistoryEntry[],
  options: { stepMs: number; filterOutliers: boolean },
): { at: number; total: number; count: number }[] {
  const balances = entries
    .filter((e) => e.kind === "balance" && e.keyId && typeof e.data.balance === "number")
    .sort((a, b) => a.at - b.at);
  const cap = options.filterOutliers ? outlierCap(balances.map((e) => e.data.balance as number)) : undefined;
  const latest = new Map<string, number>();
  const points: { at: number; total: number; count: number }[] = [];
  let i = 0;
  while (i < balances.length) {
    const bucketEnd = (Math.floor((balances[i] as HistoryEntry).at / options.stepMs) + 1) * options.stepMs;
    while (i < balances.length && (balances[i] as HistoryEntry).at < bucketEnd) {
      const e = balances[i++] as HistoryEntry;
      const value = e.data.balance as number;
      latest.set(e.keyId as string, cap !== undefined ? Math.min(value, cap) : value);
    }
    let total = 0;
    for (const v of latest.values()) total += v;
    points.push({ at: bucketEnd - options.stepMs, total: round(total), count: latest.size });
  }
  return points;
}
