/** A key's timeline through a real gateway: a dead key's transition, its buckets, the errors. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminCall, chatBody, startRig, type TestRig } from "../../test/support/index.js";
import { roundRobin } from "../pool/strategies.js";

const DEAD = "sk-timeline-dead-000000000000001";
const LIVE = "sk-timeline-live-000000000000001";
let rig: TestRig;
let deadId: string;
let liveId: string;

interface Timeline {
  keyMasked: string;
  status: string;
  bucketMs: number;
  since: number;
  until: number;
  transitions: { at: number; from: string; to: string; reason?: string }[];
  buckets: { at: number; requests: number; failures: number; p50Ms: number | null; p95Ms: number | null }[];
  source: string;
  truncated: boolean;
}

const timeline = async (id: string, query = "") => {
  const response = await adminCall(rig, `/admin/api/keys/${id}/timeline${query}`);
  return { status: response.status, body: (await response.json()) as Timeline & { error?: { message: string } } };
};

beforeAll(async () => {
  rig = await startRig({ keys: { [DEAD]: "invalid", [LIVE]: "ok" } }, { strategy: roundRobin() });
  await rig.addKeys([DEAD, LIVE]);
  const keys = rig.gateway.pool.keysOf();
  deadId = keys.find((k) => k.secret === DEAD)?.id ?? "";
  liveId = keys.find((k) => k.secret === LIVE)?.id ?? "";
  for (let i = 0; i < 4; i++) expect((await rig.call("/v1/chat/completions", { json: chatBody() })).status).toBe(200);
});
afterAll(() => rig.close());

describe("GET /admin/api/keys/:id/timeline", () => {
  it("shows the dead key's transition with its reason before and after history is written, once", async () => {
    const before = await timeline(deadId);
    expect(before.status).toBe(200);
    expect(before.body.status).toBe("invalid");
    expect(before.body.keyMasked).not.toContain(DEAD);
    expect(before.body.transitions).toHaveLength(1);
    expect(before.body.transitions[0]).toMatchObject({ from: "active", to: "invalid" });
    expect(before.body.transitions[0]?.reason).toBe("Incorrect API key provided."); // the upstream's own words
    await rig.gateway.flush();
    expect((await timeline(deadId)).body.transitions).toEqual(before.body.transitions);
  });

  it("buckets the key's attempts: the dead key's failures, the live key's latency", async () => {
    const dead = (await timeline(deadId)).body;
    expect(dead.source).toBe("storage");
    expect(dead.bucketMs).toBe(30 * 60_000);
    const deadTotals = dead.buckets.reduce((sum, b) => ({ r: sum.r + b.requests, f: sum.f + b.failures }), {
      r: 0,
      f: 0,
    });
    expect(deadTotals).toEqual({ r: 1, f: 1 });
    const live = (await timeline(liveId)).body;
    const requests = live.buckets.reduce((sum, b) => sum + b.requests, 0);
    expect(requests).toBe(4);
    expect(live.buckets.every((b) => b.failures === 0 && b.p50Ms !== null && b.p95Ms !== null)).toBe(true);
    expect(live.transitions).toEqual([]);
    for (const bucket of live.buckets) {
      expect(bucket.at).toBeGreaterThanOrEqual(live.since);
      expect((bucket.at - live.since) % live.bucketMs).toBe(0);
    }
  });

  it("takes a range; refuses an empty or malformed one and an unknown key", async () => {
    const now = Date.now();
    const old = await timeline(deadId, `?since=${now - 10 * 86_400_000}&until=${now - 9 * 86_400_000}`);
    expect(old.status).toBe(200);
    expect(old.body.transitions).toEqual([]);
    expect(old.body.buckets).toEqual([]);
    expect((await timeline(deadId, `?since=${now}&until=${now - 1}`)).status).toBe(400);
    const bad = await timeline(deadId, "?since=yesterday");
    expect(bad.status).toBe(400);
    expect(bad.body.error?.message).toContain("since");
    const missing = await timeline("fake-0000000000000000000");
    expect(missing.status).toBe(404);
    expect(missing.body.error?.message).toContain("No key");
  });
});
