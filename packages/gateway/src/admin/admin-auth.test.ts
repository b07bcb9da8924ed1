import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ADMIN_PASSWORD,
  adminCall,
  CLIENT_TOKEN,
  cookieOf,
  adminLogin as loginCookie,
  startRig,
  type TestRig,
} from "../../test/support/index.js";

type Json = Record<string, unknown>;

let rig: TestRig;
beforeAll(async () => {
  rig = await startRig({});
});
afterAll(() => rig.close());

describe("admin authentication: sessions", () => {
  it("logs in with an HttpOnly, SameSite=Strict, expiring session cookie and reports the session", async () => {
    const res = await loginCookie(rig);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: boolean; expiresAt: number };
    expect(body.ok).toBe(true);
    expect(body.expiresAt).toBeGreaterThan(Date.now());
    const setCookie = res.headers.getSetCookie()[0] ?? "";
    expect(setCookie).toMatch(/^keyhive_session=/);
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Strict");
    expect(setCookie).toContain("Path=/");
    expect(setCookie).toMatch(/Max-Age=\d+/);
    expect(setCookie).not.toContain("Secure"); // plain http here
    expect(setCookie).not.toContain(ADMIN_PASSWORD);

    const session = await fetch(`${rig.url}/admin/api/session`, { headers: { cookie: cookieOf(res) } });
    expect(session.status).toBe(200);
    expect(await session.json()).toMatchObject({ authenticated: true, role: "admin", via: "cookie" });
    expect((await fetch(`${rig.url}/admin/api/session`)).status).toBe(401);
  });

  it("marks the cookie Secure behind HTTPS (a trusted proxy's X-Forwarded-Proto)", async () => {
    const res = await fetch(`${rig.url}/admin/api/login`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-proto": "https", "x-forwarded-for": "10.0.0.9" },
      body: JSON.stringify({ password: ADMIN_PASSWORD }),
    });
    expect(res.headers.getSetCookie()[0]).toContain("Secure");
  });

  it("refuses forged and tampered cookies, and logs out", async () => {
    const cookie = cookieOf(await loginCookie(rig));
    const tampered = `${cookie.slice(0, -3)}abc`;
    expect((await fetch(`${rig.url}/admin/api/keys`, { headers: { cookie: tampered } })).status).toBe(401);
    const out = await fetch(`${rig.url}/admin/api/logout`, { method: "POST", headers: { cookie } });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie()[0]).toMatch(/keyhive_session=;.*Max-Age=0/);
  });
});

describe("admin authentication: cross-origin mutations and brute force", () => {
  it("rejects cookie-authenticated mutations from another origin, accepts same-origin ones", async () => {
    const cookie = cookieOf(await loginCookie(rig));
    const post = (headers: Record<string, string>) =>
      fetch(`${rig.url}/admin/api/tokens`, {
        method: "POST",
        headers: { cookie, "content-type": "application/json", ...headers },
        body: JSON.stringify({ name: "x" }),
      });
    const evil = await post({ origin: "https://evil.example" });
    expect(evil.status).toBe(403);
    expect(((await evil.json()) as { error: Json }).error.code).toBe("cross_origin");
    expect((await post({})).status).toBe(403); // no Origin and no X-Requested-With
    expect((await post({ origin: rig.url })).status).toBe(201);
    expect((await post({ "x-requested-with": "keyhive" })).status).toBe(201);
    // Reads need no Origin; a cross-origin login form is refused too.
    expect((await fetch(`${rig.url}/admin/api/tokens`, { headers: { cookie } })).status).toBe(200);
    const crossLogin = await fetch(`${rig.url}/admin/api/login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: "https://evil.example" },
      body: JSON.stringify({ password: ADMIN_PASSWORD }),
    });
    expect(crossLogin.status).toBe(403);
  });

  it("rate-limits brute-force logins per client IP with 429 and retry-after", async () => {
    for (let i = 0; i < 5; i++) {
      const res = await loginCookie(rig, `wrong-${i}`, "203.0.113.5");
      expect(res.status).toBe(401);
    }
    const blocked = await loginCookie(rig, ADMIN_PASSWORD, "203.0.113.5");
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    const error = ((await blocked.json()) as { error: { message: string; code: string } }).error;
    expect(error.code).toBe("too_many_login_attempts");
    expect(error.message).toMatch(/try again in \d+ s/);
    // Other addresses are unaffected.
    expect((await loginCookie(rig, ADMIN_PASSWORD, "203.0.113.6")).status).toBe(200);
    // Wrong bearer credentials count as failures too.
    for (let i = 0; i < 5; i++) {
      await adminCall(rig, "/admin/api/keys", {
        headers: { authorization: "Bearer nope", "x-forwarded-for": "198.51.100.1" },
      });
    }
    const bearerBlocked = await adminCall(rig, "/admin/api/keys", {
      headers: { authorization: `Bearer ${ADMIN_PASSWORD}`, "x-forwarded-for": "198.51.100.1" },
    });
    expect(bearerBlocked.status).toBe(429);
  });
});

describe("admin authentication: which origins are ours", () => {
  it("X-Forwarded-Host is not our origin unless a proxy is trusted (CSRF)", async () => {
    const direct = await startRig({}, { trustProxy: false });
    try {
      const cookie = cookieOf(await loginCookie(direct));
      const forged = await fetch(`${direct.url}/admin/api/tokens`, {
        method: "POST",
        headers: {
          cookie,
          "content-type": "application/json",
          origin: "https://evil.example",
          "X-Forwarded-Host": "evil.example",
          "x-forwarded-proto": "https",
        },
        body: JSON.stringify({ name: "x" }),
      });
      expect(forged.status).toBe(403);
      expect(((await forged.json()) as { error: Json }).error.code).toBe("cross_origin");
      // Nor does X-Forwarded-Proto make the cookie Secure.
      const login = await fetch(`${direct.url}/admin/api/login`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-proto": "https" },
        body: JSON.stringify({ password: ADMIN_PASSWORD }),
      });
      expect(login.headers.getSetCookie()[0]).not.toContain("Secure");
    } finally {
      await direct.close();
    }
    // Behind a trusted proxy, the host it forwards is ours (the rig trusts one hop).
    const cookie = cookieOf(await loginCookie(rig));
    const viaProxy = await fetch(`${rig.url}/admin/api/tokens`, {
      method: "POST",
      headers: {
        cookie,
        "content-type": "application/json",
        origin: "https://keys.example.com",
        "x-forwarded-host": "keys.example.com",
        "x-forwarded-proto": "https",
      },
      body: JSON.stringify({ name: "x" }),
    });
    expect(viaProxy.status).toBe(201);
  });

  it("a pinned public URL is our origin too", async () => {
    const pinned = await startRig({}, { publicURL: "https://keys.example.com" });
    try {
      const cookie = cookieOf(await loginCookie(pinned));
      const post = (origin: string) =>
        fetch(`${pinned.url}/admin/api/tokens`, {
          method: "POST",
          headers: { cookie, "content-type": "application/json", origin },
          body: JSON.stringify({ name: "x" }),
        });
      expect((await post("https://keys.example.com")).status).toBe(201);
      expect((await post("https://keys.example.com.evil.example")).status).toBe(403);
    } finally {
      await pinned.close();
    }
  });
});

describe("admin authentication: the login body and other credentials", () => {
  it("validates the login body with field-level errors", async () => {
    const res = await fetch(`${rig.url}/admin/api/login`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": "10.1.1.1" },
      body: JSON.stringify({ password: 42 }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: Json }).error.param).toBe("password");
    const bad = await fetch(`${rig.url}/admin/api/login`, { method: "POST", body: "{nope" });
    expect(bad.status).toBe(400);
  });

  it("a client token is not an admin credential (401)", async () => {
    expect(
      (
        await adminCall(rig, "/admin/api/keys", {
          headers: { authorization: `Bearer ${CLIENT_TOKEN}`, "x-forwarded-for": "10.2.2.2" },
        })
      ).status,
    ).toBe(401);
  });
});
