/** Bulk jobs: the progress record of a bulk add or delete sent with an `Idempotency-Key`. */
import * as z from "zod/mini";
import { described, epochMs } from "./common.js";
import { describeRoutes } from "./route-table.js";

/** How every bulk route reads `Idempotency-Key` (quoted in each route's description). */
export const idempotencyNote =
  "Send `Idempotency-Key: <1–255 printable characters>` to make it a bulk job: keys are written 500 at a time and the job's progress is kept for a day (`GET /admin/api/jobs/bulk/{id}`). A retry with the same key and body resumes where the writes stopped (every step is idempotent by key; keys an earlier attempt stored count as added) or, once done, replays the answer without writing (`Idempotent-Replayed: true`). The same key with another body is a 409 `idempotency_key_reused`; a job still running is a 409 `job_running`.";

export const bulkJobView = z.strictObject({
  id: described(z.string(), "the request's Idempotency-Key"),
  kind: z.enum(["keys.add", "keys.delete", "keys.bulk"]),
  state: described(
    z.enum(["running", "done", "failed", "interrupted"]),
    "`interrupted`: running, but its record has not moved for 30 s (the instance died); retry the request to resume",
  ),
  total: described(z.number(), "keys the request writes (valid keys to add; selected keys to delete or change)"),
  done: described(z.number(), "keys written so far, over every attempt"),
  attempts: z.number(),
  startedAt: epochMs(),
  updatedAt: epochMs(),
  finishedAt: z.optional(epochMs()),
  added: z.optional(described(z.number(), "keys.add: keys this job stored")),
  affected: z.optional(described(z.number(), "keys.delete / keys.bulk: keys deleted or changed")),
  status: z.optional(described(z.number(), "the HTTP status of the final answer")),
  checkJob: z.optional(z.strictObject({ jobId: z.string(), total: z.number() })),
  error: z.optional(described(z.string(), "why the last attempt failed")),
});

export const bulkJobRoutes = describeRoutes("Keys", [
  {
    method: "get",
    path: "/admin/api/jobs/bulk/{id}",
    summary: "The progress of a bulk add or delete sent with an `Idempotency-Key` (`{id}` is that key, URL-encoded).",
    description:
      "Ask after a broken connection: `done` says how many keys were written; `state` whether to retry (`failed`, `interrupted`) or wait (`running`). Records are pruned a day after they finish.",
    responses: {
      "200": { description: "the job", schema: bulkJobView },
      "400": { description: "not a possible Idempotency-Key" },
      "404": { description: "no such job (`bulk_job_not_found`)" },
    },
  },
]);
