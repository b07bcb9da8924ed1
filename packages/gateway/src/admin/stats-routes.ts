/** Dashboard statistics over the pool snapshot, stored history and usage. See ADMIN-API.md. */
import { Hono } from "hono";
import * as z from "zod/mini";
import type { KeyPool } from "../pool/key-pool.js";
import type { UsageMeter } from "../pool/usage-meter.js";
import type { Storage } from "../spec/storage.js";
import { KEY_STATUSES, sortKeys } from "./key-filter.js";
import { publicKey } from "./keys-routes.js";
import { quantileMs, type RequestMetrics } from "./metrics.js";
import { balanceBuckets, balanceSummary, balanceTrend, outlierCap } from "./stats.js";
import { queryBoolean, readQuery } from "./validate.js";

const DAY = 86_400_000;
const HOUR = 3_600_000;

export interface StatsRoutesDeps {
  storage: Storage;
  pool: KeyPool;
  usage: UsageMeter;
  metrics: RequestMetrics;
  now: () => number;
}

const dayOf = (at: number) => new Date(at).toISOString().slice(0, 10);

export function statsRoutes(deps: StatsRoutesDeps) {
  const app = new Hono();

  /** Requests and errors per UTC day from stored usage (every request counts under its token). */
  const dailyUsage = async (from: number) => {
    await deps.usage.flush().catch(() => {});
    const rows = await deps.storage.usage.query({ scope: "token", from: dayOf(from), to: dayOf(deps.now()) });
    const days = new Map<string, { requests: number; errors: number }>();
    for (const row of rows) {
      const d = days.get(row.day) ?? { requests: 0, errors: 0 };
      d.requests += row.counters.requests;
      d.errors += row.counters.requests - row.counters.successes;
      days.set(row.day, d);
    }
    return days;
  };

  app.get("/", async (c) => {
    const records = deps.pool.keysOf();
    const byProvider: Record<string, number> = {};
    const byProviderStatus: Record<string, Record<string, number>> = {};
    for (const r of records) {
      byProvider[r.provider] = (byProvider[r.provider] ?? 0) + 1;
      byProviderStatus[r.provider] ??= Object.fromEntries(KEY_STATUSES.map((s) => [s, 0]));
      const statuses = byProviderStatus[r.provider] as Record<string, number>;
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    }
    const today = (await dailyUsage(deps.now())).get(dayOf(deps.now())) ?? { requests: 0, errors: 0 };
    return c.json({
      total: records.length,
      byStatus: deps.pool.countByStatus(),
      // Keys whose last check could not complete (network, 5xx): the seed tools' "error" keys.
      checkErrors: records.filter((r) => r.lastCheck === "error").length,
      byProvider,
      byProviderStatus,
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
    });
  });

  const trendQuery = z.object({
    period: z._default(z.enum(["all", "7d", "30d"]), "30d"),
    filterOutliers: queryBoolean,
  });
  app.get("/balance-trend", async (c) => {
    const q = readQuery(c, trendQuery);
    const now = deps.now();
    const since = q.period === "7d" ? now - 7 * DAY : q.period === "30d" ? now - 30 * DAY : 0;
    const entries = await deps.storage.history.query({ since, kind: "balance" });
    const stepMs = q.period === "7d" ? HOUR : DAY;
    return c.json({
      period: q.period,
      stepMs,
      points: balanceTrend(entries, { stepMs, filterOutliers: q.filterOutliers }),
    });
  });

  const requestsQuery = z.object({ period: z._default(z.enum(["24h", "7d", "30d"]), "24h") });
  app.get("/requests", async (c) => {
    const { period } = readQuery(c, requestsQuery);
    const now = deps.now();
    if (period === "24h") {
      const points = deps.metrics.hourly(now - DAY).map((h) => ({
        hour: new Date(h.at).toISOString(),
        requests: h.requests,
        errors: h.errors,
        p50Ms: quantileMs(h.latency, 0.5) ?? null,
        p99Ms: quantileMs(h.latency, 0.99) ?? null,
      }));
      return c.json({ period, points });
    }
    const since = now - (period === "7d" ? 7 : 30) * DAY;
    const days = await dailyUsage(since);
    // Latency is only known for what this instance served since it started.
    const latency = new Map<string, { p50: number[]; p99: number[] }>();
    for (const h of deps.metrics.hourly(since)) {
      const l = latency.get(dayOf(h.at)) ?? { p50: [], p99: [] };
      const p50 = quantileMs(h.latency, 0.5);
      const p99 = quantileMs(h.latency, 0.99);
      if (p50 !== undefined) l.p50.push(p50);
      if (p99 !== undefined) l.p99.push(p99);
      latency.set(dayOf(h.at), l);
    }
    const points = [...days]
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
    return c.json({ period, points });
  });

  const topQuery = z.object({
    n: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 10),
    filterOutliers: queryBoolean,
    provider: z.optional(z.string().check(z.minLength(1))),
  });
  app.get("/top-keys", (c) => {
    const q = readQuery(c, topQuery);
    const withBalance = deps.pool.keysOf(q.provider).filter((r) => r.balance !== undefined && r.status !== "invalid");
    const cap = q.filterOutliers ? outlierCap(withBalance.map((r) => r.balance as number)) : undefined;
    const top = sortKeys(withBalance, "balance", "desc").slice(0, q.n);
    return c.json({
      cap: cap ?? null,
      data: top.map((r) => {
        const balance = r.balance as number;
        const capped = cap !== undefined && balance > cap;
        return {
          id: r.id,
          key: publicKey(r).key,
          balance: capped ? cap : balance,
          ...(capped ? { actualBalance: balance } : {}),
        };
      }),
    });
  });

  return app;
}
