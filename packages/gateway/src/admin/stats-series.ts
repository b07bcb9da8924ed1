/** The figures behind the stats routes, from the pool snapshot, stored usage and this instance's metrics. */
import type { KeyPool } from "../pool/key-pool.js";
import type { UsageMeter } from "../pool/usage-meter.js";
import type { KeyRecord, Storage } from "../spec/storage.js";
import { KEY_STATUSES, sortKeys } from "./key-filter.js";
import { publicKey } from "./keys-routes.js";
import { quantileMs, type RequestMetrics } from "./metrics.js";
import { balanceBuckets, balanceSummary } from "./stats.js";

export const DAY = 86_400_000;
export const HOUR = 3_600_000;

export const dayOf = (at: number) => new Date(at).toISOString().slice(0, 10);

export type DailyUsage = Map<string, { requests: number; errors: number }>;

/** Requests and errors per UTC day from stored usage (every request counts under its token). */
export async function dailyUsage(deps: { storage: Storage; usage: UsageMeter }, from: number, to: number) {
  await deps.usage.flush().catch(() => {});
  const rows = await deps.storage.usage.query({ scope: "token", from: dayOf(from), to: dayOf(to) });
  const days: DailyUsage = new Map();
  for (const row of rows) {
    const d = days.get(row.day) ?? { requests: 0, errors: 0 };
    d.requests += row.counters.requests;
    d.errors += row.counters.requests - row.counters.successes;
    days.set(row.day, d);
  }
  return days;
}

function countsByProvider(records: readonly KeyRecord[]) {
  const byProvider: Record<string, number> = {};
  const byProviderStatus: Record<string, Record<string, number>> = {};
  for (const r of records) {
    byProvider[r.provider] = (byProvider[r.provider] ?? 0) + 1;
    byProviderStatus[r.provider] ??= Object.fromEntries(KEY_STATUSES.map((s) => [s, 0]));
    const statuses = byProviderStatus[r.provider] as Record<string, number>;
    statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  }
  return { byProvider, byProviderStatus };
}

/** `GET /stats`: the dashboard's figures. */
export function dashboard(pool: KeyPool, today: { requests: number; errors: number }) {
  const records = pool.keysOf();
  return {
    total: records.length,
    byStatus: pool.countByStatus(),
    // Keys whose last check could not complete (network, 5xx): the seed tools' "error" keys.
    checkErrors: records.filter((r) => r.lastCheck === "error").length,
    ...countsByProvider(records),
    balance: balanceSummary(records),
    buckets: balanceBuckets(records),
    recent: sortKeys([...records], "addedAt", "desc")
      .slice(0, 5)
      .map(publicKey),
    requests: {
      today: today.requests,
      errors: today.errors,
      errorRate: today.requests ? Math.round((today.errors / today.requests) * 10_000) / 10_000 : 0,
    },
  };
}

/** The last 24 hours, hourly, from this instance's metrics. */
export function hourlyPoints(metrics: RequestMetrics, now: number) {
  return metrics.hourly(now - DAY).map((h) => ({
    hour: new Date(h.at).toISOString(),
    requests: h.requests,
    errors: h.errors,
    p50Ms: quantileMs(h.latency, 0.5) ?? null,
    p99Ms: quantileMs(h.latency, 0.99) ?? null,
  }));
}

/** Daily points from stored usage, with the latency this instance knows (the worst hour of the day). */
export function dailyPoints(days: DailyUsage, metrics: RequestMetrics, since: number) {
  // Latency is only known for what this instance served since it started.
  const latency = new Map<string, { p50: number[]; p99: number[] }>();
  for (const h of metrics.hourly(since)) {
    const l = latency.get(dayOf(h.at)) ?? { p50: [], p99: [] };
    const p50 = quantileMs(h.latency, 0.5);
    const p99 = quantileMs(h.latency, 0.99);
    if (p50 !== undefined) l.p50.push(p50);
    if (p99 !== undefined) l.p99.push(p99);
    latency.set(dayOf(h.at), l);
  }
  return [...days]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([day, d]) => {
      const l = latency.get(day);
      return {
        day,
        requests: d.requests,
        errors: d.errors,
        p50Ms: l?.p50.length ? Math.max(...l.p50) : null,
        p99Ms: l?.p99.length ? Math.max(...l.p99) : null,
      };
    });
}
