import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminCall, startRig, type TestRig } from "../../test/support/index.js";

describe("admin tokens", () => {
  let rig: TestRig;
  beforeAll(async () => {
    rig = await startRig({});
  });
  afterAll(() => rig.close());

  it("issues, lists (masked) and revokes admin tokens for scripts", async () => {
    const created = await adminCall(rig, "/admin/api/admin-tokens", { json: { name: "ci" } });
    expect(created.status).toBe(201);
    const { token, record } = (await created.json()) as { token: string; record: { id: string; hint: string } };
    expect(token).toMatch(/^kha-/);
    expect(JSON.stringify(record)).not.toContain(token);
    const list = await (await adminCall(rig, "/admin/api/admin-tokens")).json();
    expect(JSON.stringify(list)).not.toContain(token);
    expect(JSON.stringify(list)).not.toContain('"hash"');
    const withToken = await adminCall(rig, "/admin/api/keys", { headers: { authorization: `Bearer ${token}` } });
    expect(withToken.status).toBe(200);
    expect((await adminCall(rig, `/admin/api/admin-tokens/${record.id}`, { method: "DELETE" })).status).toBe(204);
    const revoked = await adminCall(rig, "/admin/api/keys", {
      headers: { authorization: `Bearer ${token}`, "x-forwarded-for": "10.3.3.3" },
    });
    expect(revoked.status).toBe(401);
    expect((await adminCall(rig, "/admin/api/admin-tokens", { json: { name: "" } })).status).toBe(400);
  });

  it("answers 404 for unknown ids and 400 for unknown fields", async () => {
    expect((await adminCall(rig, "/admin/api/admin-tokens/adm-missing", { method: "DELETE" })).status).toBe(404);
    const res = await adminCall(rig, "/admin/api/admin-tokens", { json: { name: "x", scope: "all" } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { param: string } }).error.param).toBe("scope");
  });
});
