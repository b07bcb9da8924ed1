/** Dashboard statistics. */
import * as z from "zod/mini";
import { queryBoolean } from "../validate.js";
import { described, epochMs, keyStatus } from "./common.js";
import { keyView } from "./keys.js";
import { describeRoutes } from "./route-table.js";

const counts = z.record(z.string(), z.number());

export const statsView = z.strictObject({
  total: z.number(),
  byStatus: z.record(keyStatus, z.number()),
  checkErrors: described(z.number(), "keys whose last check could not complete"),
  byProvider: counts,
  byProviderStatus: z.record(z.string(), z.record(keyStatus, z.number())),
  balance: described(
    z.strictObject({
      sum: z.number(),
      avg: z.number(),
      median: z.number(),
      minValid: described(z.number(), "the smallest positive balance of an active or cooling key"),
      max: z.number(),
      count: z.number(),
    }),
    "over keys with a known balance that are not invalid; 0 when none has one (count 0)",
  ),
  buckets: z.array(
    z.strictObject({
      label: z.string(),
      min: z.number(),
      max: described(z.nullable(z.number()), "exclusive; null = open"),
      count: z.number(),
    }),
  ),
  recent: described(z.array(keyView), "the 5 newest keys"),
  requests: z.strictObject({ today: z.number(), errors: z.number(), errorRate: z.number() }),
});

export const balanceTrendQuery = z.object({
  period: z._default(z.enum(["all", "7d", "30d"]), "30d"),
  filterOutliers: queryBoolean,
});
export const balanceTrendView = z.strictObject({
  period: z.enum(["all", "7d", "30d"]),
  stepMs: z.number(),
  points: z.array(z.strictObject({ at: epochMs(), total: z.number(), count: z.number() })),
});

export const requestsQuery = z.object({ period: z._default(z.enum(["24h", "7d", "30d"]), "24h") });
const latency = { p50Ms: z.nullable(z.number()), p99Ms: z.nullable(z.number()) };
export const requestsView = z.union([
  z.strictObject({
    period: z.literal("24h"),
    points: z.array(z.strictObject({ hour: z.iso.datetime(), requests: z.number(), errors: z.number(), ...latency })),
  }),
  z.strictObject({
    period: z.enum(["7d", "30d"]),
    points: z.array(z.strictObject({ day: z.iso.date(), requests: z.number(), errors: z.number(), ...latency })),
  }),
]);

export const topKeysQuery = z.object({
  n: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 10),
  filterOutliers: queryBoolean,
  provider: z.optional(z.string().check(z.minLength(1))),
});
export const topKeysView = z.strictObject({
  cap: described(z.nullable(z.number()), "2× the 75th percentile with filterOutliers, else null"),
  data: z.array(
    z.strictObject({
      id: z.string(),
      key: z.string(),
      balance: z.number(),
      actualBalance: z.optional(described(z.number(), "the real balance when it is above cap")),
    }),
  ),
});

export const statsRoutes = describeRoutes("Stats", [
  {
    method: "get",
    path: "/admin/api/stats",
    summary: "Totals, balance figures and buckets, the newest keys, today's requests.",
    responses: { "200": { description: "the figures", schema: statsView } },
  },
  {
    method: "get",
    path: "/admin/api/stats/balance-trend",
    summary: "Total balance over time: hourly points for 7d, daily otherwise.",
    description:
      "`total` sums each key's latest known balance; outlier filtering caps each balance at 2× the 75th percentile.",
    query: balanceTrendQuery,
    responses: { "200": { description: "the trend", schema: balanceTrendView } },
  },
  {
    method: "get",
    path: "/admin/api/stats/requests",
    summary: "Requests, errors and latency over time.",
    description:
      "24h: hourly, from this instance since it started; 7d/30d: daily from the stored usage of all instances, with latency where this instance has it.",
    query: requestsQuery,
    responses: { "200": { description: "the series", schema: requestsView } },
  },
  {
    method: "get",
    path: "/admin/api/stats/top-keys",
    summary: "The top keys by balance.",
    description: "With `filterOutliers`, balances above `cap` are shown as `cap` and the real one in `actualBalance`.",
    query: topKeysQuery,
    responses: { "200": { description: "the keys", schema: topKeysView } },
  },
]);
