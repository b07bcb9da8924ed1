import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminCall, createMemoryStorage, readSSE, startRig, type TestRig } from "../../test/support/index.js";
import type { CheckJobView } from "./check-jobs.js";

const keysFor = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `sk-${prefix}-${String(i).padStart(4, "0")}-zzzzzz`);

async function addAll(rig: TestRig, keys: string[]): Promise<string[]> {
  const res = await adminCall(rig, "/admin/api/keys", { json: { provider: "fake", keys } });
  return ((await res.json()) as { added: { id: string }[] }).added.map((a) => a.id);
}

let rig: TestRig;
const invalid = keysFor("dead", 10);
beforeAll(async () => {
  rig = await startRig({
    acceptAnyKey: true,
    keys: {
      ...Object.fromEntries(invalid.map((k) => [k, "invalid" as const])),
      "sk-flaky-0000-zzzzzz": "server-error",
    },
  });
});
afterAll(() => rig.close());

describe("batch check jobs (background, Node)", () => {
  it("checks 1,000 keys with live SSE progress and persists every result", async () => {
    const ids = await addAll(rig, [...keysFor("live", 990), ...invalid]);
    expect(ids).toHaveLength(1000);
    const started = await adminCall(rig, "/admin/api/checks", {
      json: { ids, concurrency: 50, interval: { mode: "fixed", ms: 0 }, retries: 0 },
    });
    expect(started.status).toBe(202);
    const { jobId, total } = (await started.json()) as { jobId: string; total: number };
    expect(total).toBe(1000);

    const events = await readSSE(await adminCall(rig, `/admin/api/checks/${jobId}/events`));
    const progress = events.filter((e) => e.event === "progress").map((e) => JSON.parse(e.data) as CheckJobView);
    const results = events
      .filter((e) => e.event === "result")
      .map((e) => JSON.parse(e.data) as { id: string; status: string; result: string });
    const done = events.at(-1);
    expect(done?.event).toBe("done");
    const final = JSON.parse(done?.data ?? "{}") as CheckJobView;
    expect(final).toMatchObject({ status: "done", total: 1000, done: 1000, ok: 990, failed: 10, needsSteps: false });
    expect(final.results.invalid).toBe(10);
    expect(progress.length).toBeGreaterThan(0);
    // Progress only ever moves forward; every result after the first snapshot arrives as an event.
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.done).toBeGreaterThanOrEqual(progress[i - 1]!.done);
    expect(progress[0]!.done + results.length).toBe(1000);
    expect(results.length).toBeGreaterThan(0);
    expect(new Set(results.map((r) => r.id)).size).toBe(results.length);
    // Each result names the key's new status and what the check found.
    for (const r of results) {
      expect(["active", "invalid"]).toContain(r.status);
      expect(r.result).toBe(r.status === "active" ? "valid" : "invalid");
    }

    // Persisted: visible in storage itself, not just in the pool.
    const deadId = rig.gateway.pool.keysOf().find((k) => k.secret === invalid[0])?.id as string;
    expect(await rig.gateway.storage.keys.get(deadId)).toMatchObject({ status: "invalid" });
    const liveStored = await rig.gateway.storage.keys.get(ids[0] as string);
    expect(liveStored?.lastCheckedAt).toBeGreaterThan(0);
    expect(liveStored?.status).toBe("active");
    expect(rig.upstream.requests.filter((r) => r.path === "/v1/models").length).toBe(1000);
  }, 60_000); // 1,000 real checks over HTTP: slow on a busy machine

  it("stops a second job mid-way; the stream ends with a stopped job and checked keys stay persisted", async () => {
    const ids = await addAll(rig, keysFor("slowjob", 200));
    const { jobId } = (await (
      await adminCall(rig, "/admin/api/checks", {
        json: { ids, concurrency: 2, interval: { mode: "fixed", ms: 30 }, retries: 0 },
      })
    ).json()) as { jobId: string };
    const stream = await adminCall(rig, `/admin/api/checks/${jobId}/events`);
    const reader = stream.body!.getReader();
    let text = "";
    while ((text.match(/event: result/g) ?? []).length < 4)
      text += new TextDecoder().decode((await reader.read()).value);

    const stopped = await adminCall(rig, `/admin/api/checks/${jobId}/stop`, { method: "POST" });
    const view = (await stopped.json()) as CheckJobView;
    expect(view.status).toBe("stopped");
    expect(view.done).toBeGreaterThanOrEqual(4);
    expect(view.done).toBeLessThan(200);
    for (let r = await reader.read(); !r.done; r = await reader.read()) text += new TextDecoder().decode(r.value);
    expect(text).toMatch(/event: done\ndata: \{[^\n]*"status":"stopped"/);

    const before = rig.upstream.requests.length;
    await new Promise((r) => setTimeout(r, 120));
    expect(rig.upstream.requests.length - before).toBeLessThanOrEqual(2); // in-flight checks at most
    const firstResult = /event: result\ndata: (\{[^\n]*\})/.exec(text)?.[1] as string;
    const checkedId = (JSON.parse(firstResult) as { id: string }).id;
    expect((await rig.gateway.storage.keys.get(checkedId))?.lastCheckedAt).toBeGreaterThan(0);
    const later = (await (await adminCall(rig, `/admin/api/checks/${jobId}`)).json()) as CheckJobView;
    expect(later.status).toBe("stopped");
  });
});

describe("batch check jobs (background, Node): checks that cannot complete", () => {
  it("retries checks that could not complete, then reports the error without blaming the key", async () => {
    const [id] = await addAll(rig, ["sk-flaky-0000-zzzzzz"]);
    const { jobId } = (await (
      await adminCall(rig, "/admin/api/checks", {
        json: { ids: [id], retries: 2, retryIntervalMs: 0, interval: { mode: "fixed", ms: 0 } },
      })
    ).json()) as { jobId: string };
    const events = await readSSE(await adminCall(rig, `/admin/api/checks/${jobId}/events`));
    expect(JSON.parse(events.at(-1)?.data ?? "{}")).toMatchObject({ status: "done", failed: 1, results: { error: 1 } });
    expect(rig.upstream.requestsByKey.get("sk-flaky-0000-zzzzzz")).toBe(3);
    expect(rig.gateway.pool.get(id as string)?.status).toBe("active");
  });
});

describe("batch check jobs without background work (Workers)", () => {
  it("advances only through bounded /step calls", async () => {
    const rig = await startRig({ acceptAnyKey: true }, { backgroundJobs: false });
    try {
      const ids = await addAll(rig, keysFor("step", 90));
      const { jobId } = (await (
        await adminCall(rig, "/admin/api/checks", {
          json: { all: true, interval: { mode: "fixed", ms: 0 }, concurrency: 10 },
        })
      ).json()) as { jobId: string };
      await new Promise((r) => setTimeout(r, 50));
      expect(((await (await adminCall(rig, `/admin/api/checks/${jobId}`)).json()) as CheckJobView).done).toBe(0);
      expect(rig.upstream.requests).toHaveLength(0);

      // The event stream sends the current state and ends: the client must drive /step.
      const events = await readSSE(await adminCall(rig, `/admin/api/checks/${jobId}/events`));
      expect(events.map((e) => e.event)).toEqual(["progress"]);
      const step = async (json?: unknown) =>
        (await (
          await adminCall(rig, `/admin/api/checks/${jobId}/step`, { method: "POST", json })
        ).json()) as CheckJobView;
      expect(await step({ budget: 40 })).toMatchObject({ status: "running", done: 40, needsSteps: true });
      expect(rig.upstream.requests).toHaveLength(40);
      expect(await step()).toMatchObject({ status: "running", done: 80 });
      expect(await step()).toMatchObject({ status: "done", done: 90, ok: 90, needsSteps: false });
      expect((await rig.gateway.storage.keys.get(ids[89] as string))?.lastCheckedAt).toBeGreaterThan(0);
      const tooMuch = await adminCall(rig, `/admin/api/checks/${jobId}/step`, { json: { budget: 41 } });
      expect(tooMuch.status).toBe(400);
    } finally {
      await rig.close();
    }
  });
});

describe("batch check jobs across Workers isolates", () => {
  it("persists a stepped job so that another instance takes the next step", async () => {
    const storage = createMemoryStorage();
    const a = await startRig({ acceptAnyKey: true }, { storage, backgroundJobs: false });
    const ids = await addAll(a, keysFor("iso", 50));
    const b = await startRig({ acceptAnyKey: true }, { storage, backgroundJobs: false });
    try {
      const { jobId } = (await (
        await adminCall(a, "/admin/api/checks", { json: { ids, interval: { mode: "fixed", ms: 0 } } })
      ).json()) as { jobId: string };
      const step = async (rig: TestRig) =>
        (await (
          await adminCall(rig, `/admin/api/checks/${jobId}/step`, { method: "POST", json: { budget: 20 } })
        ).json()) as CheckJobView;
      expect(await step(b)).toMatchObject({ status: "running", done: 20 });
      expect(await step(a)).toMatchObject({ status: "running", done: 40 });
      expect(await step(b)).toMatchObject({ status: "done", done: 50, ok: 50 });
      expect(a.upstream.requests.length + b.upstream.requests.length).toBe(50);
      const seen = (await (await adminCall(a, `/admin/api/checks/${jobId}`)).json()) as CheckJobView;
      expect(seen).toMatchObject({ status: "done", done: 50 });
      // Job state is not configuration: backups leave it out.
      expect(await (await adminCall(a, "/admin/api/backup")).text()).not.toContain(jobId);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
