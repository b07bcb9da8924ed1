/** A key's timeline: its status transitions, balances and per-bucket traffic. */
import * as z from "zod/mini";
import { described, epochMs, keyStatus, masked } from "./common.js";
import { time } from "./logs.js";
import { describeRoutes } from "./route-table.js";

export const timelineQuery = z.strictObject({
  since: z.optional(described(time, "from this time (epoch ms or ISO); default 24 h before `until`")),
  until: z.optional(described(time, "up to this time (epoch ms or ISO); default now")),
});

export const keyTimeline = z.strictObject({
  keyId: z.string(),
  keyMasked: masked(),
  status: keyStatus,
  since: epochMs(),
  until: epochMs(),
  bucketMs: described(z.number(), "the width of each bucket (the range in 48 steps, at least a minute)"),
  transitions: described(
    z.array(z.strictObject({ at: epochMs(), from: keyStatus, to: keyStatus, reason: z.optional(z.string()) })),
    "every status change in the range, newest first, with its reason (masked)",
  ),
  balances: z.array(z.strictObject({ at: epochMs(), balance: z.number() })),
  buckets: described(
    z.array(
      z.strictObject({
        at: described(epochMs(), "the bucket's start"),
        requests: described(z.number(), "attempts with this key"),
        failures: described(z.number(), "attempts the key failed (the upstream's refusals of a request excluded)"),
        p50Ms: described(z.nullable(z.number()), "median time to the key's first byte or failure"),
        p95Ms: z.nullable(z.number()),
      }),
    ),
    "oldest first, from the request log",
  ),
  source: described(
    z.enum(["storage", "ring", "off"]),
    "where the buckets come from (see `GET /admin/api/logs`); `off`: the request log is off, no buckets",
  ),
  truncated: described(z.boolean(), "true when the range held more than 50,000 attempts: buckets cover the newest"),
});

export const timelineRoutes = describeRoutes("Keys", [
  {
    method: "get",
    path: "/admin/api/keys/{id}/timeline",
    summary: "A key's history: status transitions with reasons, balances, latency and error rate over time.",
    description:
      "Transitions and balances come from the storage's history (every instance; kept 30 days) plus this " +
      "instance's not yet written entries; the buckets from the request log. 404 when the pool has no such key.",
    query: timelineQuery,
    responses: { "200": { description: "the timeline", schema: keyTimeline } },
  },
]);
