/** Dashboard statistics over the pool snapshot, stored history and usage. Shapes: `schemas/stats.ts`. */
import { Hono } from "hono";
import type { KeyPool } from "../pool/key-pool.js";
import type { UsageMeter } from "../pool/usage-meter.js";
import type { Storage } from "../spec/storage.js";
import { sortKeys } from "./key-filter.js";
import { publicKey } from "./keys-routes.js";
import type { RequestMetrics } from "./metrics.js";
import { balanceTrendQuery, requestsQuery, topKeysQuery } from "./schemas/stats.js";
import { balanceTrend, outlierCap } from "./stats.js";
import { DAY, dailyPoints, dailyUsage, dashboard, dayOf, HOUR, hourlyPoints } from "./stats-series.js";
import { readQuery } from "./validate.js";

export interface StatsRoutesDeps {
  storage: Storage;
  pool: KeyPool;
  usage: UsageMeter;
  metrics: RequestMetrics;
  now: () => number;
}

export function statsRoutes(deps: StatsRoutesDeps) {
  const app = new Hono();

  app.get("/", async (c) => {
    const now = deps.now();
    const today = (await dailyUsage(deps, now, now)).get(dayOf(now)) ?? { requests: 0, errors: 0 };
    return c.json(dashboard(deps.pool, today));
  });

  app.get("/balance-trend", async (c) => {
    const q = readQuery(c, balanceTrendQuery);
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

  app.get("/requests", async (c) => {
    const { period } = readQuery(c, requestsQuery);
    const now = deps.now();
    if (period === "24h") return c.json({ period, points: hourlyPoints(deps.metrics, now) });
    const since = now - (period === "7d" ? 7 : 30) * DAY;
    const days = await dailyUsage(deps, since, now);
    return c.json({ period, points: dailyPoints(days, deps.metrics, since) });
  });

  app.get("/top-keys", (c) => {
    const q = readQuery(c, topKeysQuery);
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
