/** Batch check jobs: their settings, their progress view and their events. */
import * as z from "zod/mini";
import { keyFilterSchema } from "../key-filter.js";
import { described, epochMs, int, keyStatus, listOf } from "./common.js";
import { describeRoutes } from "./route-table.js";

const concurrency = int(1, 50);
const interval = z.discriminatedUnion("mode", [
  z.strictObject({ mode: z.literal("fixed"), ms: int(0, 60_000) }),
  z
    .strictObject({
      mode: z.literal("random"),
      minMs: int(0, 60_000),
      maxMs: int(0, 60_000),
    })
    .check(z.refine((v) => v.maxMs >= v.minMs, { message: "maxMs must be ≥ minMs", path: ["maxMs"] })),
]);

export const checkSettingsSchema = z.strictObject({
  concurrency: z._default(concurrency, 10),
  interval: z._default(interval, { mode: "random", minMs: 500, maxMs: 1500 }),
  retries: z._default(int(0, 5), 1),
  retryIntervalMs: z._default(int(0, 60_000), 2000),
});

/** A running job's pace, changed live; the same bounds as when starting it. */
export const checkUpdateBody = z
  .strictObject({ concurrency: z.optional(concurrency), interval: z.optional(interval) })
  .check(
    z.refine((b) => b.concurrency !== undefined || b.interval !== undefined, {
      message: "say what to change: concurrency or interval",
      path: ["concurrency"],
    }),
  );

export const checkStartBody = z
  .extend(checkSettingsSchema, {
    ids: z.optional(z.array(z.string().check(z.minLength(1))).check(z.maxLength(100_000))),
    filter: z.optional(keyFilterSchema),
    all: z.optional(z.boolean()),
  })
  .check(
    z.refine((b) => b.all === true || b.ids !== undefined || b.filter !== undefined, {
      message: "say which keys to check: ids, a filter, or all: true",
      path: ["ids"],
    }),
  );

export const checkStepBody = z.strictObject({ budget: z._default(int(1, 40), 40) });

const checkOutcome = z.enum(["valid", "exhausted", "invalid", "error", "missing"]);

export const checkJobView = z.strictObject({
  id: z.string(),
  status: z.enum(["running", "stopped", "done"]),
  total: z.number(),
  done: z.number(),
  ok: described(z.number(), "valid results"),
  failed: described(z.number(), "every other result"),
  results: z.strictObject({
    valid: z.number(),
    exhausted: z.number(),
    invalid: z.number(),
    error: z.number(),
    missing: z.number(),
  }),
  ratePerSec: z.number(),
  etaSec: z.nullable(z.number()),
  elapsedSec: z.number(),
  startedAt: epochMs(),
  finishedAt: z.optional(epochMs()),
  needsSteps: described(z.boolean(), "true while the job advances only through /step (Workers)"),
  settings: described(
    z.strictObject({ concurrency: z.number(), interval, retries: z.number(), retryIntervalMs: z.number() }),
    "the job's current settings (concurrency and interval may change while it runs)",
  ),
});

/** One checked key, as the event stream's `result` events carry it. */
export const checkResultEvent = z.strictObject({
  id: z.string(),
  status: described(keyStatus, "the key's status after the check (invalid for a key deleted meanwhile)"),
  result: described(checkOutcome, "what the check found"),
  balance: z.optional(z.number()),
  message: z.optional(z.string()),
});

export const checkStarted = z.strictObject({ jobId: z.string(), total: z.number() });

const job = { description: "the job", schema: checkJobView };
const noJob = { description: "no such job (`job_not_found`)" };

export const checkRoutes = describeRoutes("Batch checks", [
  {
    method: "post",
    path: "/admin/api/checks",
    summary: "Start a batch check job over ids, a filter, or all keys.",
    description: "Retries apply to checks that could not complete (`error`), never to a definite `invalid`.",
    body: checkStartBody,
    responses: { "202": { description: "started", schema: checkStarted } },
  },
  {
    method: "get",
    path: "/admin/api/checks",
    summary: "Check jobs of this instance.",
    responses: { "200": { description: "the jobs", schema: listOf(checkJobView) } },
  },
  {
    method: "get",
    path: "/admin/api/checks/{jobId}",
    summary: "A job's progress.",
    description:
      "While `needsSteps` is true the job advances only through `/step` (Workers): a client showing progress then calls `/step` in a loop.",
    responses: { "200": job, "404": noJob },
  },
  {
    method: "get",
    path: "/admin/api/checks/{jobId}/events",
    summary: "Live progress as server-sent events.",
    description:
      "`event: progress` with the job (first the current state, then at most every 100 ms), `event: result` with a checked key (`{id, status, result, balance?, message?}`) per key checked after the stream opened, a final `event: done` with the job (also after a stop), and `: ping` comments every 15 s. Where jobs do not run in the background (Workers) the stream sends the current state and ends (an `EventSource` reports an error): drive the job with `/step` instead.",
    responses: {
      "200": { description: "the event stream (data: the job, or a checked key)", contentType: "text/event-stream" },
      "404": noJob,
    },
  },
  {
    method: "patch",
    path: "/admin/api/checks/{jobId}",
    summary: "Change a running job's concurrency or interval.",
    description:
      "A higher concurrency starts workers at once; a lower one lets workers end after their current check. A new interval applies to the next wait, and to waits under way (measured from their start). Where jobs are persisted (Workers) the change is saved, so every instance stepping the job uses it.",
    body: checkUpdateBody,
    responses: {
      "200": job,
      "400": { description: "invalid settings (`invalid_request`)" },
      "404": noJob,
      "409": { description: "the job is no longer running (`job_finished`)" },
    },
  },
  {
    method: "post",
    path: "/admin/api/checks/{jobId}/stop",
    summary: "Stop a job.",
    responses: { "200": job, "404": noJob },
  },
  {
    method: "post",
    path: "/admin/api/checks/{jobId}/step",
    summary: "Run the next bounded chunk of a job (at most `budget` check attempts).",
    description:
      "For Workers, where no background job outlives a request (`createGateway({ backgroundJobs: false })`): the UI or a cron drives the job. Such jobs are persisted in storage between steps, so any instance can take the next step. On Node the job runs by itself and `/step` just reports it.",
    body: checkStepBody,
    bodyOptional: true,
    responses: { "200": job, "404": noJob },
  },
]);
