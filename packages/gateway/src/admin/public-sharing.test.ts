import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminCall, adminLogin, cookieOf, startRig, type TestRig } from "../../test/support/index.js";

const VALID = ["sk-share-valid-0000001", "sk-share-valid-0000002"];
const DEAD = "sk-share-dead-00000001";
const OFF = "sk-share-off-000000001";

let rig: TestRig;
beforeAll(async () => {
  rig = await startRig({ acceptAnyKey: true });
  await rig.addKeys([...VALID, DEAD, OFF]);
  const ids = Object.fromEntries(rig.gateway.pool.keysOf().map((k) => [k.secret, k.id]));
  rig.gateway.pool.patch(ids[VALID[0] as string] as string, { balance: 5 });
  rig.gateway.pool.patch(ids[VALID[1] as string] as string, { balance: 50 });
  rig.gateway.pool.reportCheck(ids[DEAD] as string, { status: "invalid", message: "401" });
  await adminCall(rig, `/admin/api/keys/${ids[OFF]}`, { method: "PATCH", json: { disabled: true } });
});
afterAll(() => rig.close());

const settings = (json: Record<string, unknown>) => adminCall(rig, "/admin/api/settings", { method: "PATCH", json });
const shared = (cookie?: string) => fetch(`${rig.url}/public/api/keys/shared`, { headers: cookie ? { cookie } : {} });
const info = async (cookie?: string) =>
  (await (await fetch(`${rig.url}/public/api/info`, { headers: cookie ? { cookie } : {} })).json()) as {
    keySharing: boolean;
  };
const codeOf = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe("public key sharing (the seed's open mode, opt-in)", () => {
  it("is off by default, even in open mode and for an admin: 403 key_sharing_off", async () => {
    expect((await (await adminCall(rig, "/admin/api/settings")).json()) as object).toMatchObject({
      publicKeySharing: false,
    });
    expect((await settings({ accessMode: "open" })).status).toBe(200);
    const res = await shared();
    expect(res.status).toBe(403);
    expect(await codeOf(res)).toBe("key_sharing_off");
    expect((await shared(cookieOf(await adminLogin(rig)))).status).toBe(403);
    expect((await info()).keySharing).toBe(false);
  });

  it("on, in open mode: anyone copies the full secrets of the valid keys only, highest balance first", async () => {
    expect((await settings({ accessMode: "open", publicKeySharing: true })).status).toBe(200);
    expect((await info()).keySharing).toBe(true);
    const res = await shared();
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = (await res.json()) as { data: { key: string; balance: number | null }[]; total: number };
    expect(body.data.map((k) => k.key)).toEqual([VALID[1], VALID[0]]);
    expect(body.total).toBe(2);
    expect(JSON.stringify(body)).not.toContain(DEAD);
    expect(JSON.stringify(body)).not.toContain(OFF);
  });

  it("on, but the page restricted or private: the access mode still decides who may copy", async () => {
    const guestPassword = "share-guest-password-1";
    await settings({ accessMode: "restricted", guestPassword });
    expect((await shared()).status).toBe(401);
    expect((await info()).keySharing).toBe(false);
    const login = await fetch(`${rig.url}/public/api/login`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": "10.9.9.9" },
      body: JSON.stringify({ password: guestPassword }),
    });
    const guest = cookieOf(login);
    expect((await shared(guest)).status).toBe(200);
    expect((await info(guest)).keySharing).toBe(true);
    await settings({ accessMode: "private" });
    const res = await shared(guest);
    expect(res.status).toBe(403);
    expect(await codeOf(res)).toBe("page_private");
    expect((await info(guest)).keySharing).toBe(false);
  });
});
