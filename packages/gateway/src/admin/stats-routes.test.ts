import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminCall, chatBody, startRig, type TestRig } from "../../test/support/index.js";

let rig: TestRig;
beforeAll(async () => {
  rig = await startRig({ keys: { "sk-stats-ok-000001": "ok", "sk-stats-ok-000002": "ok" } });
  await rig.addKeys(["sk-stats-ok-000001", "sk-stats-ok-000002", "sk-stats-xx-000003"]);
  const ids = rig.gateway.pool.keysOf().map((k) => k.id);
  rig.gateway.pool.patch(ids[0]!, { balance: 14 });
  rig.gateway.pool.patch(ids[1]!, { balance: 2000 });
  rig.gateway.pool.patch(ids[2]!, { status: "invalid" });
  // A check that could not complete (network error) marks the key as a check error, nothing more.
  rig.gateway.pool.reportCheck(ids[1]!, { status: "error", message: "network: ECONNRESET" });
  const now = Date.now();
  await rig.gateway.storage.history.append([
    { at: now - 20 * 86_400_000, kind: "balance", keyId: ids[0], data: { balance: 50 } },
    { at: now - 2 * 86_400_000, kind: "balance", keyId: ids[0], data: { balance: 20 } },
    { at: now - 3_600_000, kind: "balance", keyId: ids[0], data: { balance: 14 } },
    { at: now - 3_600_000, kind: "balance", keyId: ids[1], data: { balance: 2000 } },
  ]);
  for (let i = 0; i < 3; i++) await rig.call("/v1/chat/completions", { json: chatBody() });
  await rig.call("/v1/chat/completions", { json: chatBody({ model: "missing-model" }) });
});
afterAll(() => rig.close());

describe("stats API: totals", () => {
  it("reports totals, status and provider counts, balance figures, buckets, recent keys and today's requests", async () => {
    const stats = (await (await adminCall(rig, "/admin/api/stats")).json()) as {
      total: number;
      byStatus: Record<string, number>;
      byProvider: Record<string, number>;
      byProviderStatus: Record<string, Record<string, number>>;
      balance: Record<string, number>;
      buckets: { label: string; count: number }[];
      recent: unknown[];
      requests: Record<string, number>;
      checkErrors: number;
    };
    expect(stats.total).toBe(3);
    expect(stats.checkErrors).toBe(1);
    expect(stats.byStatus).toMatchObject({ active: 2, invalid: 1 });
    expect(stats.byProvider).toEqual({ fake: 3 });
    expect(stats.byProviderStatus.fake).toMatchObject({ active: 2, invalid: 1, cooling: 0 });
    expect(stats.balance).toMatchObject({ sum: 2014, max: 2000, minValid: 14, median: 1007 });
    expect(stats.buckets.find((b) => b.label === "14–100")?.count).toBe(1);
    expect(stats.buckets.find((b) => b.label === "1000+")?.count).toBe(1);
    expect(stats.recent).toHaveLength(3);
    expect(JSON.stringify(stats.recent)).not.toContain("sk-stats-ok-000001");
    expect(stats.requests).toMatchObject({ today: 4, errors: 1, errorRate: 0.25 });
  });
});

describe("stats API: trends and top keys", () => {
  it("draws the balance trend from history, per period, with optional outlier capping", async () => {
    const all = (await (await adminCall(rig, "/admin/api/stats/balance-trend?period=all")).json()) as {
      points: { total: number }[];
    };
    expect(all.points.map((p) => p.total)).toEqual([50, 20, 2014]);
    const week = (await (await adminCall(rig, "/admin/api/stats/balance-trend?period=7d")).json()) as {
      points: { total: number }[];
    };
    expect(week.points.map((p) => p.total)).toEqual([20, 2014]);
    const capped = (await (
      await adminCall(rig, "/admin/api/stats/balance-trend?period=all&filterOutliers=true")
    ).json()) as {
      points: { total: number }[];
    };
    expect(capped.points.at(-1)!.total).toBeLessThan(2014);
    expect((await adminCall(rig, "/admin/api/stats/balance-trend?period=1y")).status).toBe(400);
  });

  it("reports request volume, errors and latency over time", async () => {
    const day = (await (await adminCall(rig, "/admin/api/stats/requests?period=24h")).json()) as {
      points: { requests: number; errors: number; p50Ms: number }[];
    };
    expect(day.points.reduce((s, p) => s + p.requests, 0)).toBe(4);
    expect(day.points.reduce((s, p) => s + p.errors, 0)).toBe(1);
    expect(day.points[0]?.p50Ms).toBeGreaterThan(0);
    const month = (await (await adminCall(rig, "/admin/api/stats/requests?period=30d")).json()) as {
      points: { day: string; requests: number }[];
    };
    expect(month.points.at(-1)).toMatchObject({ day: new Date().toISOString().slice(0, 10), requests: 4 });
  });

  it("lists the top keys by balance, capping outliers on request", async () => {
    await rig.addKeys(["sk-stats-tk-000004", "sk-stats-tk-000005", "sk-stats-tk-000006", "sk-stats-tk-000007"]);
    for (const k of rig.gateway.pool.keysOf().filter((r) => r.secret.startsWith("sk-stats-tk"))) {
      rig.gateway.pool.patch(k.id, { balance: 10 });
    }
    const top = (await (await adminCall(rig, "/admin/api/stats/top-keys?n=1")).json()) as {
      data: { balance: number; key: string }[];
    };
    expect(top.data).toHaveLength(1);
    expect(top.data[0]?.balance).toBe(2000);
    expect(top.data[0]?.key).not.toContain("000002");
    const capped = (await (await adminCall(rig, "/admin/api/stats/top-keys?filterOutliers=true")).json()) as {
      data: { balance: number; actualBalance?: number }[];
    };
    expect(capped.data[0]?.actualBalance).toBe(2000);
    expect(capped.data[0]!.balance).toBeLessThan(2000);
    expect((await adminCall(rig, "/admin/api/stats/top-keys?n=0")).status).toBe(400);
  });
});
