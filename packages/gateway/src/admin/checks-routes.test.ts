import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminCall, startRig, type TestRig } from "../../test/support/index.js";

describe("checks routes", () => {
  let rig: TestRig;
  beforeAll(async () => {
    rig = await startRig({ acceptAnyKey: true });
    await rig.addKeys(["sk-route-check-0001", "sk-route-check-0002", "sk-route-check-0003"]);
  });
  afterAll(() => rig.close());

  it("validates job options and answers 404 for unknown jobs", async () => {
    const bad: [unknown, string][] = [
      [{ all: true, concurrency: 51 }, "concurrency"],
      [{ all: true, retries: 6 }, "retries"],
      [{ all: true, interval: { mode: "random", minMs: 900, maxMs: 100 } }, "interval.maxMs"],
      [{ all: true, interval: { mode: "sometimes" } }, "interval.mode"],
      [{}, "ids"],
    ];
    for (const [json, param] of bad) {
      const res = await adminCall(rig, "/admin/api/checks", { json });
      expect(res.status, JSON.stringify(json)).toBe(400);
      expect(((await res.json()) as { error: { param: string } }).error.param).toBe(param);
    }
    expect((await adminCall(rig, "/admin/api/checks/chk-nope")).status).toBe(404);
    expect((await adminCall(rig, "/admin/api/checks/chk-nope/stop", { method: "POST" })).status).toBe(404);
  });

  it("selects keys by ids, filter or all, and lists this instance's jobs", async () => {
    const [first] = rig.gateway.pool.keysOf();
    const start = async (json: Record<string, unknown>) =>
      (await (
        await adminCall(rig, "/admin/api/checks", { json: { ...json, interval: { mode: "fixed", ms: 0 } } })
      ).json()) as {
        jobId: string;
        total: number;
      };
    expect((await start({ ids: [first?.id, "fake-unknown"] })).total).toBe(1);
    expect((await start({ filter: { q: "route-check-000" } })).total).toBe(3);
    expect((await start({ filter: { status: ["invalid"] } })).total).toBe(0);
    const all = await start({ all: true });
    expect(all.total).toBe(3);
    const list = (await (await adminCall(rig, "/admin/api/checks")).json()) as { data: { id: string }[] };
    expect(list.data.map((j) => j.id)).toContain(all.jobId);
    expect((await adminCall(rig, "/admin/api/checks/not-a-job-id")).status).toBe(404);
  });
});
