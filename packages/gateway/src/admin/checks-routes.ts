/** Batch checks: start, watch (JSON or SSE), change pace, stop, and step (Workers). Shapes: `schemas/checks.ts`. */
import { type Context, Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { KeyPool } from "../pool/key-pool.js";
import { errors } from "../spec/errors.js";
import type { CheckEvent, CheckJob, CheckJobs } from "./check-jobs.js";
import { matchesFilter } from "./key-filter.js";
import { checkStartBody, checkStepBody, checkUpdateBody } from "./schemas/checks.js";
import { readJson } from "./validate.js";

export interface ChecksRoutesDeps {
  pool: KeyPool;
  jobs: CheckJobs;
  /** Whether jobs run by themselves; without, event streams close after the current state. */
  background: boolean;
  /** Heartbeat interval of event streams (ms). @default 15000 */
  heartbeatMs?: number;
}

export function checksRoutes(deps: ChecksRoutesDeps) {
  const app = new Hono();
  const jobOf = async (id: string): Promise<CheckJob> => {
    const job = /^chk-[\w-]{1,40}$/.test(id) ? await deps.jobs.get(id) : undefined;
    if (!job) throw errors.notFound(`No check job '${id}'.`, "job_not_found");
    return job;
  };

  app.post("/", async (c) => {
    const body = await readJson(c, checkStartBody);
    const { ids, filter, all, ...settings } = body;
    const keys = deps.pool.keysOf().filter((r) => (all ? true : filter ? matchesFilter(r, filter) : true));
    const wanted = ids ? new Set(ids) : undefined;
    const selected = keys.filter((r) => !wanted || wanted.has(r.id)).map((r) => r.id);
    const job = await deps.jobs.start(selected, settings);
    return c.json({ jobId: job.id, total: job.total }, 202);
  });

  app.get("/", (c) => c.json({ data: deps.jobs.list().map((j) => j.view()) }));

  app.get("/:jobId", async (c) => c.json((await jobOf(c.req.param("jobId"))).view()));

  app.patch("/:jobId", async (c) => {
    const job = await jobOf(c.req.param("jobId"));
    const change = await readJson(c, checkUpdateBody);
    if (job.status !== "running") throw errors.conflict(`Check job '${job.id}' is ${job.status}.`, "job_finished");
    await deps.jobs.update(job, change);
    return c.json(job.view());
  });

  app.post("/:jobId/stop", async (c) => {
    const job = await jobOf(c.req.param("jobId"));
    await deps.jobs.stop(job);
    return c.json(job.view());
  });

  app.post("/:jobId/step", async (c) => {
    const job = await jobOf(c.req.param("jobId"));
    const { budget } = await readJson(c, checkStepBody, { optional: true });
    await deps.jobs.step(job, budget);
    return c.json(job.view());
  });

  app.get("/:jobId/events", async (c) => streamEvents(c, await jobOf(c.req.param("jobId")), deps));

  return app;
}

/** A job's events as SSE: its current state, then (with background work) every event until done. */
function streamEvents(c: Context, job: CheckJob, deps: ChecksRoutesDeps) {
  return streamSSE(c, async (stream) => {
    const queue: CheckEvent[] = [];
    let wake: (() => void) | undefined;
    const push = (event: CheckEvent) => {
      queue.push(event);
      wake?.();
    };
    const unsubscribe = job.subscribe(push);
    stream.onAbort(() => {
      unsubscribe();
      wake?.();
    });
    const heartbeat = setInterval(() => void stream.write(": ping\n\n").catch(() => {}), deps.heartbeatMs ?? 15_000);
    try {
      await stream.writeSSE({ event: "progress", data: JSON.stringify(job.view()) });
      if (job.status !== "running") {
        await stream.writeSSE({ event: "done", data: JSON.stringify(job.view()) });
        return;
      }
      // Nothing advances this job unless someone steps it: end the stream so the client
      // falls back to driving `/step` (an EventSource reports the end as an error).
      if (!deps.background) return;
      for (;;) {
        while (queue.length === 0 && !stream.aborted) {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        }
        if (stream.aborted) return;
        const event = queue.shift() as CheckEvent;
        const data = JSON.stringify(event.type === "result" ? event.result : event.job);
        await stream.writeSSE({ event: event.type, data });
        if (event.type === "done") return;
      }
    } finally {
      clearInterval(heartbeat);
      unsubscribe();
    }
  });
}
