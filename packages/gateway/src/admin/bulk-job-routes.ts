/**
 * The HTTP side of bulk jobs: `GET /admin/api/jobs/bulk/{id}`, the request fingerprint a retry
 * must match, and running one attempt so that its record always ends `done` or `failed`.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { errors } from "../spec/errors.js";
import { sha256Hex } from "../util/crypto.js";
import { type BulkJob, type BulkJobRecord, type BulkJobs, bulkJobView, isIdempotencyKey } from "./bulk-jobs.js";
import { quoteId } from "./ids.js";

/** sha256 of method, path and body (`readJson` has read it already; Hono caches the text). */
export async function requestHash(c: Context): Promise<string> {
  return sha256Hex(`${c.req.method} ${c.req.path.replace(/\/+$/, "")}\n${await c.req.text()}`);
}

/** The answer of a job that already finished, marked as a replay. */
export function replayed(c: Context, body: unknown, record: BulkJobRecord) {
  c.header("Idempotent-Replayed", "true");
  return c.json(body as object, (record.status ?? 200) as 200);
}

/**
 * Runs one attempt: `work` writes (recording progress in the job) and returns the answer; the
 * record then says `done` with the answer's status, or `failed` with the error, and a retry resumes.
 */
export async function runAttempt(
  c: Context,
  job: BulkJob,
  work: () => Promise<{ body: object; status: 200 | 201; record?: Pick<BulkJobRecord, "affected" | "checkJob"> }>,
) {
  let outcome: Awaited<ReturnType<typeof work>>;
  try {
    outcome = await work();
  } catch (error) {
    await job.fail(error);
    throw error;
  }
  await job.finish(outcome.status, outcome.record);
  c.header("Idempotency-Key", job.record.id);
  return c.json(outcome.body, outcome.status);
}

export function bulkJobRoutes(jobs: BulkJobs) {
  const app = new Hono();
  app.get("/:id", async (c) => {
    const id = c.req.param("id");
    if (!isIdempotencyKey(id)) {
      throw errors.badRequest(`Invalid bulk job id ${quoteId(id)}: it is the request's Idempotency-Key.`, "id");
    }
    const record = await jobs.get(id);
    if (!record) {
      throw errors.notFound(
        `No bulk job '${id}' (records are kept for a day after they finish).`,
        "bulk_job_not_found",
      );
    }
    return c.json(bulkJobView(record, jobs.now()));
  });
  return app;
}
