import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminCall, startRig, type TestRig } from "../../test/support/index.js";

type ErrorBody = { error: { param: string | null; message: string } };

describe("settings API", () => {
  let rig: TestRig;
  beforeAll(async () => {
    rig = await startRig({});
  });
  afterAll(() => rig.close());

  it("returns effective settings without hashes", async () => {
    const body = (await (await adminCall(rig, "/admin/api/settings")).json()) as Record<string, unknown>;
    expect(body).toMatchObject({ accessMode: "private", retries: 3, guestPasswordSet: false });
    expect(body).not.toHaveProperty("guestPasswordHash");
  });

  it("applies a partial change at once, hashes the guest password and never returns it", async () => {
    const res = await adminCall(rig, "/admin/api/settings", {
      method: "PATCH",
      json: { retries: 0, accessMode: "restricted", guestPassword: "guest-password-1" },
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain("guest-password-1");
    expect(text).not.toContain("pbkdf2");
    expect(JSON.parse(text)).toMatchObject({ retries: 0, accessMode: "restricted", guestPasswordSet: true });
    expect(rig.gateway.settings.value.retries).toBe(0);
    const stored = await rig.gateway.storage.settings.get<string>("setting.guestPasswordHash");
    expect(stored).toMatch(/^pbkdf2-sha256\$i=600000\$/);

    const cleared = await adminCall(rig, "/admin/api/settings", { method: "PATCH", json: { guestPassword: null } });
    expect(await cleared.json()).toMatchObject({ guestPasswordSet: false });
  });

  it("rejects invalid values field by field, unknown fields and hashes sent directly", async () => {
    const cases: [unknown, string][] = [
      [{ retries: 11 }, "retries"],
      [{ retries: "3" }, "retries"],
      [{ accessMode: "secret" }, "accessMode"],
      [{ guestPasswordHash: "pbkdf2$1$00$00" }, "guestPasswordHash"],
      [{ guestPassword: "short" }, "guestPassword"],
      [{ defaultProvider: "nope" }, "defaultProvider"],
      [[], "body"],
    ];
    for (const [json, param] of cases) {
      const res = await adminCall(rig, "/admin/api/settings", { method: "PATCH", json });
      expect(res.status, JSON.stringify(json)).toBe(400);
      expect(((await res.json()) as ErrorBody).error.param).toBe(param);
    }
    expect(rig.gateway.settings.value.accessMode).toBe("restricted");
    // An empty change is fine (a form saved without edits) and returns the settings.
    const unchanged = await adminCall(rig, "/admin/api/settings", { method: "PATCH", json: {} });
    expect(await unchanged.json()).toMatchObject({ accessMode: "restricted" });
  });

  it("clears the default provider with null or an empty string, even one set by configuration", async () => {
    const configured = await startRig({}, { settings: { defaultProvider: "fake" } });
    try {
      expect(configured.gateway.settings.value.defaultProvider).toBe("fake");
      for (const cleared of [null, ""]) {
        const res = await adminCall(configured, "/admin/api/settings", {
          method: "PATCH",
          json: { defaultProvider: cleared },
        });
        expect(res.status).toBe(200);
        expect(await res.json()).toMatchObject({ defaultProvider: null });
        // Stored as null: a reload keeps it cleared instead of falling back to the configuration.
        await configured.gateway.settings.reload();
        expect(configured.gateway.settings.value.defaultProvider).toBeNull();
        const set = await adminCall(configured, "/admin/api/settings", {
          method: "PATCH",
          json: { defaultProvider: "fake" },
        });
        expect(await set.json()).toMatchObject({ defaultProvider: "fake" });
      }
    } finally {
      await configured.close();
    }
  });
});
