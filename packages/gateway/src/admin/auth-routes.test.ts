import { describe, expect, it } from "vitest";
import {
  ADMIN_PASSWORD,
  adminCall,
  cookieOf,
  createFakeProvider,
  createMemoryStorage,
  adminLogin as loginCookie,
  startRig,
} from "../../test/support/index.js";
import { createGateway } from "../gateway.js";
import { ADMIN_PASSWORD_HASH } from "./admin-auth.js";
import { SessionSigner } from "./session.js";

type Json = Record<string, unknown>;
type ErrorBody = { error: { message: string; code: string; type: string; param: string | null } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("admin password change (generated password: the admin owns it)", () => {
  it("needs the current password, ≥ 12 chars, and ends other sessions but not this one", async () => {
    const rig = await startRig({}, { adminPassword: undefined });
    try {
      const generated = (await rig.gateway.ready()).adminPassword as string;
      expect(generated).toBeTruthy();
      const mine = cookieOf(await loginCookie(rig, generated));
      const other = cookieOf(await loginCookie(rig, generated));
      const session = (await fetch(`${rig.url}/admin/api/session`, { headers: { cookie: mine } })).json();
      expect(await session).toMatchObject({ passwordManagedByEnvironment: false });
      const change = (body: unknown, cookie = mine) =>
        fetch(`${rig.url}/admin/api/password`, {
          method: "POST",
          headers: { cookie, origin: rig.url, "content-type": "application/json", "x-forwarded-for": "10.9.9.9" },
          body: JSON.stringify(body),
        });
      const short = await change({ current: generated, next: "short" });
      expect(short.status).toBe(400);
      expect(((await short.json()) as { error: Json }).error.param).toBe("next");
      expect((await change({ current: "wrong-password", next: "a-much-longer-password" })).status).toBe(403);

      const ok = await change({ current: generated, next: "a-much-longer-password" });
      expect(ok.status).toBe(204);
      const renewed = cookieOf(ok);
      expect(renewed).toMatch(/^keyhive_session=/);
      expect((await fetch(`${rig.url}/admin/api/session`, { headers: { cookie: other } })).status).toBe(401);
      expect((await fetch(`${rig.url}/admin/api/session`, { headers: { cookie: renewed } })).status).toBe(200);
      const oldBearer = { authorization: `Bearer ${generated}`, "x-forwarded-for": "10.8.8.8" };
      expect((await adminCall(rig, "/admin/api/session", { headers: oldBearer })).status).toBe(401);
      const newBearer = await adminCall(rig, "/admin/api/session", {
        headers: { authorization: "Bearer a-much-longer-password" },
      });
      expect(newBearer.status).toBe(200);
      // Hashed with this runtime's setting, parameters recorded.
      expect(await rig.gateway.storage.settings.get(ADMIN_PASSWORD_HASH)).toMatch(/^pbkdf2-sha256\$i=600000\$/);
    } finally {
      await rig.close();
    }
  });
});

describe("admin password from the environment (KEYHIVE_ADMIN_PASSWORD manages it)", () => {
  it("the API refuses a change with 409 and says why; the session says so too (the UI disables its form)", async () => {
    const rig = await startRig({});
    try {
      const cookie = cookieOf(await loginCookie(rig));
      const session = (await (await fetch(`${rig.url}/admin/api/session`, { headers: { cookie } })).json()) as Json;
      expect(session.passwordManagedByEnvironment).toBe(true);
      const res = await fetch(`${rig.url}/admin/api/password`, {
        method: "POST",
        headers: { cookie, origin: rig.url, "content-type": "application/json" },
        body: JSON.stringify({ current: ADMIN_PASSWORD, next: "a-much-longer-password" }),
      });
      expect(res.status).toBe(409);
      expect(((await res.json()) as ErrorBody).error).toEqual({
        message:
          "The admin password is set by the deployment's configuration (KEYHIVE_ADMIN_PASSWORD), which replaces a changed one at the next start: change it there and restart the gateway.",
        type: "invalid_request_error",
        code: "password_managed_by_environment",
        param: null,
      });
      expect((await adminCall(rig, "/admin/api/session")).status).toBe(200); // unchanged
    } finally {
      await rig.close();
    }
  });

  it("a start with the variable replaces a password changed in the UI before (the variable wins, as documented)", async () => {
    const storage = createMemoryStorage();
    const first = await startRig({}, { storage, adminPassword: undefined });
    const generated = (await first.gateway.ready()).adminPassword as string;
    const cookie = cookieOf(await loginCookie(first, generated));
    const changed = await fetch(`${first.url}/admin/api/password`, {
      method: "POST",
      headers: { cookie, origin: first.url, "content-type": "application/json" },
      body: JSON.stringify({ current: generated, next: "changed-in-the-ui-123" }),
    });
    expect(changed.status).toBe(204);
    await first.close();
    const second = await startRig({}, { storage, adminPassword: "set-in-the-environment" });
    try {
      const as = (password: string) =>
        adminCall(second, "/admin/api/session", { headers: { authorization: `Bearer ${password}` } });
      expect((await as("set-in-the-environment")).status).toBe(200);
      expect((await as("changed-in-the-ui-123")).status).toBe(401);
    } finally {
      await second.close();
    }
  });

  it.each([
    ["a", "is 1 character long: it must be at least 12"],
    ["", "is 0 characters long: it must be at least 12"],
    ["eleven-char", "is 11 characters long: it must be at least 12"],
    ["x".repeat(1025), "is 1025 characters long: it must be at most 1024"],
  ])("refuses to create a gateway with the password %j", (password, message) => {
    const create = () =>
      createGateway({ providers: [createFakeProvider()], storage: createMemoryStorage(), adminPassword: password });
    expect(create).toThrow(`The configured admin password (KEYHIVE_ADMIN_PASSWORD) ${message}`);
  });

  it("re-hashes a stored hash of an older format or another iteration count at start", async () => {
    const storage = createMemoryStorage();
    const old = createGateway({
      providers: [createFakeProvider()],
      storage,
      adminPassword: ADMIN_PASSWORD,
      passwordHashIterations: 100_000,
    });
    await old.ready();
    expect(await storage.settings.get(ADMIN_PASSWORD_HASH)).toMatch(/^pbkdf2-sha256\$i=100000\$/);
    const node = createGateway({ providers: [createFakeProvider()], storage, adminPassword: ADMIN_PASSWORD });
    await node.ready();
    expect(await storage.settings.get(ADMIN_PASSWORD_HASH)).toMatch(/^pbkdf2-sha256\$i=600000\$/);
  });
});

describe("logout ends the session on the server", () => {
  it("after logout the old cookie answers 401 (a copy of it too); other sessions live on", async () => {
    const rig = await startRig({});
    try {
      const cookie = cookieOf(await loginCookie(rig));
      const other = cookieOf(await loginCookie(rig));
      const session = (c: string) => fetch(`${rig.url}/admin/api/session`, { headers: { cookie: c } });
      expect((await session(cookie)).status).toBe(200);
      const out = await fetch(`${rig.url}/admin/api/logout`, { method: "POST", headers: { cookie, origin: rig.url } });
      expect(out.status).toBe(204);
      expect(out.headers.getSetCookie()[0]).toMatch(/keyhive_session=;.*Max-Age=0/);
      const after = await session(cookie);
      expect(after.status).toBe(401);
      expect(((await after.json()) as ErrorBody).error.type).toBe("authentication_error");
      expect((await fetch(`${rig.url}/admin/api/keys`, { headers: { cookie } })).status).toBe(401);
      expect((await session(other)).status).toBe(200);
      // Logging out twice, or without a cookie, is fine.
      expect((await fetch(`${rig.url}/admin/api/logout`, { method: "POST", headers: { cookie } })).status).toBe(204);
      expect((await fetch(`${rig.url}/admin/api/logout`, { method: "POST" })).status).toBe(204);
      const cross = await fetch(`${rig.url}/admin/api/logout`, {
        method: "POST",
        headers: { cookie: other, origin: "https://evil.example" },
      });
      expect(cross.status).toBe(403);
      expect((await session(other)).status).toBe(200);
    } finally {
      await rig.close();
    }
  });

  it("converge: a logout on instance A is honoured by instance B within the refresh interval", async () => {
    // Two instances over one store, each with its own in-memory session state. (Two storage
    // objects over one data directory: integration-tests' shared-store test.)
    const storage = createMemoryStorage();
    const refreshIntervalMs = 300;
    const a = await startRig({}, { storage, refreshIntervalMs });
    const b = await startRig({}, { storage, refreshIntervalMs });
    try {
      const cookie = cookieOf(await loginCookie(a));
      const onB = () => fetch(`${b.url}/admin/api/session`, { headers: { cookie } });
      expect((await onB()).status).toBe(200); // one signing secret, shared through storage
      const loggedOutAt = Date.now();
      expect((await fetch(`${a.url}/admin/api/logout`, { method: "POST", headers: { cookie } })).status).toBe(204);
      let status = 200;
      while (status === 200 && Date.now() - loggedOutAt < 5_000) {
        status = (await onB()).status;
        if (status === 200) await sleep(20);
      }
      const tookMs = Date.now() - loggedOutAt;
      console.log(`logout on A honoured by B after ${tookMs} ms (refreshIntervalMs ${refreshIntervalMs})`);
      expect(status).toBe(401);
      expect(tookMs).toBeLessThanOrEqual(refreshIntervalMs + 200);
      // And the other way round: a session started on B works on A.
      const second = cookieOf(await loginCookie(b));
      expect((await fetch(`${a.url}/admin/api/session`, { headers: { cookie: second } })).status).toBe(200);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe("session cookies", () => {
  it("caps the cookie's expiry at the session lifetime: a cookie signed for a year is refused", async () => {
    const rig = await startRig({});
    try {
      // Signed with the gateway's own secret, as someone holding it (or an old setting) could.
      const signer = new SessionSigner({ storage: rig.gateway.storage, now: Date.now });
      const now = Date.now();
      const claims = {
        role: "admin" as const,
        sid: "b".repeat(24),
        iat: now,
        exp: now + 365 * 24 * 3_600_000,
        epoch: 0,
      };
      const yearLong = `keyhive_session=${await signer.sign(claims)}`;
      expect((await fetch(`${rig.url}/admin/api/session`, { headers: { cookie: yearLong } })).status).toBe(401);
      const normal = `keyhive_session=${await signer.sign({ ...claims, exp: now + 3_600_000 })}`;
      expect((await fetch(`${rig.url}/admin/api/session`, { headers: { cookie: normal } })).status).toBe(200);
    } finally {
      await rig.close();
    }
  });
});
