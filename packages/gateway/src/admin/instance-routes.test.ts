import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { adminCall, createMemoryStorage, startRig, type TestRig } from "../../test/support/index.js";
import { createGateway } from "../gateway.js";
import { keysDigest } from "./instance-routes.js";
import { instanceView } from "./schemas/instance.js";

type InstanceView = z.output<typeof instanceView>;
const SECRETS = ["sk-inst-ok-000001", "sk-inst-ok-000002", "sk-inst-ok-000003"];

let rig: TestRig;
beforeAll(async () => {
  rig = await startRig({ keys: Object.fromEntries(SECRETS.map((s) => [s, "ok"])) });
  await rig.addKeys(SECRETS);
});
afterAll(() => rig.close());

const view = async () => (await (await adminCall(rig, "/admin/api/instance")).json()) as InstanceView;

describe("GET /admin/api/instance", () => {
  it("names this instance (the usage meter's id) and counts its keys by status", async () => {
    const before = Date.now();
    const body = await view();
    expect(z.safeParse(instanceView, body).success).toBe(true);
    expect(body.id).toBe(rig.gateway.usage.instanceId);
    expect(body.id).toMatch(/^i-/);
    expect(body.startedAt).toBeLessThanOrEqual(before);
    expect(body.lastSyncAt).toBeGreaterThanOrEqual(body.startedAt);
    expect(body.keys.total).toBe(3);
    expect(body.keys.byStatus).toMatchObject({ active: 3, disabled: 0, invalid: 0 });
  });

  it("digests the sorted `id status` lines, so it changes with a status and equals a recomputation", async () => {
    const records = rig.gateway.pool.keysOf();
    const lines = records.map((r) => `${r.id} ${r.status}`).sort();
    const expected = createHash("sha256").update(lines.join("\n")).digest("hex");
    const first = await view();
    expect(first.keys.digest).toBe(expected);
    expect(await keysDigest([...records].reverse())).toBe(expected); // order of the pool does not matter

    const id = records[0]?.id as string;
    expect((await adminCall(rig, `/admin/api/keys/${id}`, { method: "PATCH", json: { disabled: true } })).status).toBe(
      200,
    );
    const second = await view();
    expect(second.keys.byStatus).toMatchObject({ active: 2, disabled: 1 });
    expect(second.keys.digest).not.toBe(first.keys.digest);
    expect(second.id).toBe(first.id);
  });

  it("needs admin auth like every admin route", async () => {
    expect((await fetch(`${rig.url}/admin/api/instance`)).status).toBe(401);
    const client = await fetch(`${rig.url}/admin/api/instance`, { headers: { authorization: "Bearer kh-nope" } });
    expect(client.status).toBe(401);
  });

  it("gives each gateway its own id, and an empty pool the digest of the empty string", async () => {
    const other = createGateway({ providers: [], storage: createMemoryStorage(), onError: () => {} });
    await other.ready();
    expect(other.usage.instanceId).not.toBe(rig.gateway.usage.instanceId);
    expect(await keysDigest([])).toBe(createHash("sha256").update("").digest("hex"));
  });
});
