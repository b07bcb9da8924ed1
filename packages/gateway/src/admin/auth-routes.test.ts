import { describe, expect, it } from "vitest";
import { ADMIN_PASSWORD, adminCall, cookieOf, adminLogin as loginCookie, startRig } from "../test-support.js";

type Json = Record<string, unknown>;

describe("admin password change", () => {
  it("needs the current password, ≥ 12 chars, and ends other sessions but not this one", async () => {
    const rig = await startRig({});
    try {
      const mine = cookieOf(await loginCookie(rig));
      const other = cookieOf(await loginCookie(rig));
      const change = (body: unknown, cookie = mine) =>
        fetch(`${rig.url}/admin/api/password`, {
          method: "POST",
          headers: { cookie, origin: rig.url, "content-type": "application/json", "x-forwarded-for": "10.9.9.9" },
          body: JSON.stringify(body),
        });
      const short = await change({ current: ADMIN_PASSWORD, next: "short" });
      expect(short.status).toBe(400);
      expect(((await short.json()) as { error: Json }).error.param).toBe("next");
      expect((await change({ current: "wrong-password", next: "a-much-longer-password" })).status).toBe(403);

      const ok = await change({ current: ADMIN_PASSWORD, next: "a-much-longer-password" });
      expect(ok.status).toBe(204);
      const renewed = cookieOf(ok);
      expect(renewed).toMatch(/^keyhive_session=/);
      expect((await fetch(`${rig.url}/admin/api/session`, { headers: { cookie: other } })).status).toBe(401);
      expect((await fetch(`${rig.url}/admin/api/session`, { headers: { cookie: renewed } })).status).toBe(200);
      expect((await adminCall(rig, "/admin/api/session", { headers: { "x-forwarded-for": "10.8.8.8" } })).status).toBe(
        401,
      );
      const newBearer = await adminCall(rig, "/admin/api/session", {
        headers: { authorization: "Bearer a-much-longer-password" },
      });
      expect(newBearer.status).toBe(200);
    } finally {
      await rig.close();
    }
  });
});
