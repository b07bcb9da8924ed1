import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminCall, adminLogin, chatBody, cookieOf, startRig, type TestRig } from "../../test/support/index.js";

let rig: TestRig;
beforeAll(async () => {
  rig = await startRig({ acceptAnyKey: true });
  await rig.addKeys(["sk-public-key-00000001", "sk-public-key-00000002"]);
});
afterAll(() => rig.close());

const setMode = (json: Record<string, unknown>) => adminCall(rig, "/admin/api/settings", { method: "PATCH", json });
const guestLogin = (password: string, ip = "10.5.5.5") =>
  fetch(`${rig.url}/public/api/login`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": ip },
    body: JSON.stringify({ password }),
  });
const keys = (cookie?: string) => fetch(`${rig.url}/public/api/keys`, { headers: cookie ? { cookie } : {} });

describe("public key page access modes: private and open", () => {
  it("private: info says so, keys are 403 for visitors, admins still see them", async () => {
    const info = (await (await fetch(`${rig.url}/public/api/info`)).json()) as Record<string, unknown>;
    expect(info).toMatchObject({ accessMode: "private", authenticated: false, providers: ["fake"] });
    expect(info.baseURL).toBe(`${rig.url}/v1`);
    expect((await keys()).status).toBe(403);
    expect((await guestLogin("whatever")).status).toBe(403);
    const admin = cookieOf(await adminLogin(rig));
    expect((await keys(admin)).status).toBe(200);
  });

  it("open: anyone sees masked keys with balance, status and totals", async () => {
    await setMode({ accessMode: "open" });
    const res = await keys();
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      data: { key: string; status: string }[];
      totals: { keys: number; valid: number };
    };
    expect(body.totals).toMatchObject({ keys: 2, valid: 2 });
    expect(body.data[0]?.key).toMatch(/^sk-pub…/);
    expect(JSON.stringify(body)).not.toContain("sk-public-key-0000000");
  });
});

describe("public key page access modes: restricted", () => {
  it("restricted: the guest password yields a signed guest cookie; guests never reach admin routes or the proxy", async () => {
    await setMode({ accessMode: "restricted", guestPassword: "guest-password-1" });
    expect((await keys()).status).toBe(401);
    expect((await guestLogin("wrong-password")).status).toBe(401);
    const ok = await guestLogin("guest-password-1");
    expect(ok.status).toBe(200);
    const setCookie = ok.headers.getSetCookie()[0] ?? "";
    expect(setCookie).toMatch(/^keyhive_guest=/);
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).not.toContain("guest-password-1");
    const guest = cookieOf(ok);
    expect((await keys(guest)).status).toBe(200);
    expect(await (await fetch(`${rig.url}/public/api/info`, { headers: { cookie: guest } })).json()).toMatchObject({
      authenticated: true,
      role: "guest",
    });

    for (const path of ["/admin/api/keys", "/admin/api/settings", "/admin/api/session", "/admin/api/export"]) {
      const res = await fetch(`${rig.url}${path}`, { headers: { cookie: guest } });
      expect(res.status, path).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("guest_forbidden");
    }
    const proxied = await fetch(`${rig.url}/v1/chat/completions`, {
      method: "POST",
      headers: { cookie: guest, "content-type": "application/json" },
      body: JSON.stringify(chatBody()),
    });
    expect(proxied.status).toBe(401);

    // Changing the guest password ends guest sessions.
    await setMode({ guestPassword: "guest-password-2" });
    expect((await keys(guest)).status).toBe(401);
  });

  it("bounds the body of the (unauthenticated) guest login", async () => {
    const res = await fetch(`${rig.url}/public/api/login`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": "10.5.5.9", connection: "close" },
      body: JSON.stringify({ password: "x".repeat(70 * 1024) }),
    });
    expect(res.status).toBe(413);
  });

  it("rate-limits guest password guessing", async () => {
    for (let i = 0; i < 5; i++) expect((await guestLogin(`nope-${i}`, "10.6.6.6")).status).toBe(401);
    expect((await guestLogin("guest-password-2", "10.6.6.6")).status).toBe(429);
  });

  it("guest logout revokes the session on the server: the old cookie no longer opens the page", async () => {
    const guest = cookieOf(await guestLogin("guest-password-2", "10.7.7.7"));
    expect((await keys(guest)).status).toBe(200);
    const out = await fetch(`${rig.url}/public/api/logout`, { method: "POST", headers: { cookie: guest } });
    expect(out.status).toBe(204);
    expect((await keys(guest)).status).toBe(401);
  });
});

describe("the public page's base URL", () => {
  const info = async (url: string, headers: Record<string, string>) =>
    ((await (await fetch(`${url}/public/api/info`, { headers })).json()) as { baseURL: string }).baseURL;

  it("is the pinned public URL whatever Host or X-Forwarded-Host a request carries", async () => {
    const rig = await startRig({}, { publicURL: "https://keys.example.com/" });
    try {
      expect(await info(rig.url, {})).toBe("https://keys.example.com/v1");
      expect(await info(rig.url, { host: "evil.example", "x-forwarded-host": "evil.example" })).toBe(
        "https://keys.example.com/v1",
      );
    } finally {
      await rig.close();
    }
  });

  it("without a pin, X-Forwarded-Host counts only under trustProxy", async () => {
    const direct = await startRig({}, { trustProxy: false });
    const proxied = await startRig({}, { trustProxy: 1 });
    try {
      const forwarded = { "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" };
      expect(await info(direct.url, forwarded)).toBe(`${direct.url}/v1`);
      expect(await info(proxied.url, { "X-Forwarded-Host": "keys.example.com", "X-Forwarded-Proto": "https" })).toBe(
        "https://keys.example.com/v1",
      );
    } finally {
      await direct.close();
      await proxied.close();
    }
  });
});
