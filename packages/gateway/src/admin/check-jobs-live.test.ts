import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  adminCall,
  createFakeProvider,
  createMemoryStorage,
  startRig,
  type TestRig,
} from "../../test/support/index.js";
import type { CheckJobView } from "./check-jobs.js";

const keysFor = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `sk-${prefix}-${String(i).padStart(4, "0")}-zzzzzz`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The provider's view of the upstream: each check takes `delayMs`; in-flight checks are counted. */
function slowUpstream(delayMs: number) {
  const gauge = { inFlight: 0, max: 0 };
  const fetchSlowly: typeof fetch = async (input, init) => {
    gauge.inFlight++;
    gauge.max = Math.max(gauge.max, gauge.inFlight);
    try {
      await sleep(delayMs);
      return await fetch(input, init);
    } finally {
      gauge.inFlight--;
    }
  };
  return { gauge, fetch: fetchSlowly };
}

async function startJob(rig: TestRig, keys: string[], settings: Record<string, unknown>): Promise<string> {
  const added = await adminCall(rig, "/admin/api/keys", { json: { provider: "fake", keys } });
  const ids = ((await added.json()) as { added: { id: string }[] }).added.map((a) => a.id);
  const started = await adminCall(rig, "/admin/api/checks", { json: { ids, retries: 0, ...settings } });
  return ((await started.json()) as { jobId: string }).jobId;
}

const patch = (rig: TestRig, jobId: string, json: unknown) =>
  adminCall(rig, `/admin/api/checks/${jobId}`, { method: "PATCH", json });
const viewOf = async (rig: TestRig, jobId: string) =>
  (await (await adminCall(rig, `/admin/api/checks/${jobId}`)).json()) as CheckJobView;

const upstream = slowUpstream(80);
let rig: TestRig;
beforeAll(async () => {
  rig = await startRig({ acceptAnyKey: true }, {}, (fake) => [
    createFakeProvider({ baseURL: fake.baseURL, fetch: upstream.fetch }),
  ]);
});
afterAll(() => rig.close());

describe("live control of a running check job: concurrency", () => {
  it("raising concurrency 1 → 10 starts workers now; lowering 10 → 1 ends them after their check", async () => {
    const jobId = await startJob(rig, keysFor("pace", 300), { concurrency: 1, interval: { mode: "fixed", ms: 0 } });
    await sleep(300);
    const atOne = upstream.gauge.max;
    expect(atOne).toBe(1);

    const raised = await patch(rig, jobId, { concurrency: 10 });
    expect(raised.status).toBe(200);
    expect(((await raised.json()) as CheckJobView).settings.concurrency).toBe(10);
    await sleep(300);
    expect(upstream.gauge.max).toBe(10);

    expect((await patch(rig, jobId, { concurrency: 1 })).status).toBe(200);
    await sleep(150); // the checks in flight at the change finish
    upstream.gauge.max = upstream.gauge.inFlight;
    await sleep(400);
    expect(upstream.gauge.max).toBe(1);
    const view = await viewOf(rig, jobId);
    expect(view).toMatchObject({ status: "running", settings: { concurrency: 1, retries: 0 } });
    expect(view.done).toBeLessThan(300);
    await adminCall(rig, `/admin/api/checks/${jobId}/stop`, { method: "POST" });
  });
});

describe("live control of a running check job: interval and errors", () => {
  it("a shorter interval ends the wait under way; the job then runs at the new pace", async () => {
    const jobId = await startJob(rig, keysFor("gap", 20), { concurrency: 1, interval: { mode: "fixed", ms: 30_000 } });
    await sleep(400);
    expect((await viewOf(rig, jobId)).done).toBe(1); // waiting out 30 s after the first check
    expect((await patch(rig, jobId, { interval: { mode: "fixed", ms: 0 } })).status).toBe(200);
    await sleep(20 * 80 + 800);
    const view = await viewOf(rig, jobId);
    expect(view).toMatchObject({ status: "done", done: 20, settings: { interval: { mode: "fixed", ms: 0 } } });
  });

  it("validates like a start (400), answers 404 for an unknown job and 409 job_finished once it ended", async () => {
    const jobId = await startJob(rig, keysFor("val", 3), { concurrency: 1, interval: { mode: "fixed", ms: 5000 } });
    const bad: [unknown, string][] = [
      [{ concurrency: 0 }, "concurrency"],
      [{ concurrency: 51 }, "concurrency"],
      [{ interval: { mode: "random", minMs: 900, maxMs: 100 } }, "interval.maxMs"],
      [{ interval: { mode: "fixed", ms: 60_001 } }, "interval.ms"],
      [{ retries: 2 }, "retries"],
      [{}, "concurrency"],
    ];
    for (const [json, param] of bad) {
      const res = await patch(rig, jobId, json);
      expect(res.status, JSON.stringify(json)).toBe(400);
      expect(((await res.json()) as { error: { param: string } }).error.param).toBe(param);
    }
    expect((await patch(rig, "chk-nope", { concurrency: 2 })).status).toBe(404);
    await adminCall(rig, `/admin/api/checks/${jobId}/stop`, { method: "POST" });
    const finished = await patch(rig, jobId, { concurrency: 2 });
    expect(finished.status).toBe(409);
    expect(((await finished.json()) as { error: { code: string } }).error.code).toBe("job_finished");
  });
});

describe("live control of a persisted check job (Workers)", () => {
  it("saves the change, so another instance steps the job with it", async () => {
    const storage = createMemoryStorage();
    const a = await startRig({ acceptAnyKey: true }, { storage, backgroundJobs: false });
    const jobId = await startJob(a, keysFor("iso-pace", 30), { concurrency: 2, interval: { mode: "fixed", ms: 0 } });
    const b = await startRig({ acceptAnyKey: true }, { storage, backgroundJobs: false }); // loads a's keys
    try {
      // b holds the job in memory after a step; a's later change must still reach it.
      await adminCall(b, `/admin/api/checks/${jobId}/step`, { json: { budget: 5 } });
      expect((await patch(a, jobId, { concurrency: 7 })).status).toBe(200);
      expect((await viewOf(b, jobId)).settings.concurrency).toBe(7);
      const stepped = await adminCall(b, `/admin/api/checks/${jobId}/step`, { json: { budget: 10 } });
      expect(((await stepped.json()) as CheckJobView).done).toBe(15);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
