/** This instance's identity and its in-memory view of the keys, to compare instances with storage. */
import * as z from "zod/mini";
import { described, epochMs, keyStatus } from "./common.js";
import { describeRoutes } from "./route-table.js";

export const instanceView = z.strictObject({
  id: described(z.string(), "this process's instance id (the one its usage rows carry)"),
  startedAt: epochMs(),
  lastSyncAt: described(z.nullable(z.number()), "epoch ms of the last sync with storage; null before the first"),
  keys: z.strictObject({
    total: z.number(),
    byStatus: z.record(keyStatus, z.number()),
    digest: described(
      z.string(),
      'sha256 hex of the sorted lines "<id> <status>" of the keys in memory, joined by "\\n"',
    ),
  }),
});

export const instanceRoutes = describeRoutes("Instance", [
  {
    method: "get",
    path: "/admin/api/instance",
    summary: "This instance's id, start, last sync and its view of the keys (counts and a digest).",
    description:
      "Each instance answers for itself: behind a load balancer, compare the digests of every " +
      "instance (and of a fresh one) to see whether all views agree with storage.",
    responses: { "200": { description: "this instance", schema: instanceView } },
  },
]);
