import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminCall, adminLogin, cookieOf, startRig, type TestRig } from "../../test/support/index.js";
import { openApiDocument } from "./openapi.js";

/** Every documented admin route with a concrete path. */
const ADMIN_ROUTES = Object.entries(openApiDocument.paths).flatMap(([path, ops]) =>
  Object.keys(ops)
    .filter(() => path.startsWith("/admin/api/"))
    .map((method) => ({ method: method.toUpperCase(), path: path.replace(/\{(\w+)\}/g, "x-$1") })),
);
const OPEN = new Set(["POST /admin/api/login", "POST /admin/api/logout", "GET /admin/api/openapi.json"]);

describe("admin API access control on every route", () => {
  let rig: TestRig;
  let guest: string;
  beforeAll(async () => {
    rig = await startRig({});
    await adminCall(rig, "/admin/api/settings", {
      method: "PATCH",
      json: { accessMode: "restricted", guestPassword: "guest-password-1" },
    });
    const login = await fetch(`${rig.url}/public/api/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ password: "guest-password-1" }),
    });
    guest = cookieOf(login);
  });
  afterAll(() => rig.close());

  it("documents a good number of admin routes", () => {
    expect(ADMIN_ROUTES.length).toBeGreaterThan(30);
  });

  it("answers 401 without credentials on every protected admin route", async () => {
    for (const route of ADMIN_ROUTES) {
      if (OPEN.has(`${route.method} ${route.path}`)) continue;
      const res = await fetch(`${rig.url}${route.path}`, {
        method: route.method,
        headers: { "content-type": "application/json", "x-requested-with": "keyhive" },
        ...(route.method === "GET" ? {} : { body: "{}" }),
      });
      expect(res.status, `${route.method} ${route.path}`).toBe(401);
      expect(((await res.json()) as { error: { type: string } }).error.type).toBe("authentication_error");
    }
  });

  it("answers 403 to a guest session on every protected admin route", async () => {
    expect(guest).toMatch(/^keyhive_guest=/);
    for (const route of ADMIN_ROUTES) {
      if (OPEN.has(`${route.method} ${route.path}`)) continue;
      const res = await fetch(`${rig.url}${route.path}`, {
        method: route.method,
        headers: { cookie: guest, origin: rig.url, "content-type": "application/json" },
        ...(route.method === "GET" ? {} : { body: "{}" }),
      });
      expect(res.status, `${route.method} ${route.path}`).toBe(403);
    }
  });
});

describe("Cache-Control: no-store on every admin API response", () => {
  let rig: TestRig;
  beforeAll(async () => {
    rig = await startRig({ acceptAnyKey: true });
  });
  afterAll(() => rig.close());

  const send = (route: { method: string; path: string }, headers: Record<string, string> = {}) =>
    adminCall(rig, route.path, {
      method: route.method,
      headers: { "content-type": "application/json", ...headers },
      ...(route.method === "GET" ? {} : { body: "{}" }),
    });

  it("on every documented route, as admin and without credentials, whatever the status", async () => {
    const statuses = new Set<number>();
    for (const route of ADMIN_ROUTES) {
      for (const headers of [{}, { authorization: "" }] as Record<string, string>[]) {
        const res = await send(route, headers);
        statuses.add(res.status);
        expect(res.headers.get("cache-control"), `${route.method} ${route.path} → ${res.status}`).toBe("no-store");
        await res.body?.cancel();
      }
    }
    // The sweep covered successes and the usual errors.
    expect([...statuses]).toEqual(expect.arrayContaining([200, 204, 400, 401, 404]));
  });

  it("on the responses that carry secrets, and on error responses", async () => {
    const added = (await (await rig.addKeys(["sk-cache-000000000001"])).json()) as { added: { id: string }[] };
    const id = added.added[0]?.id as string;
    const cases: [string, Promise<Response>, number][] = [
      ["key secret", adminCall(rig, `/admin/api/keys/${id}/secret`), 200],
      ["new client token", adminCall(rig, "/admin/api/tokens", { json: { name: "cached?" } }), 201],
      ["new admin token", adminCall(rig, "/admin/api/admin-tokens", { json: { name: "cached?" } }), 201],
      ["backup", adminCall(rig, "/admin/api/backup"), 200],
      ["unauthenticated", fetch(`${rig.url}/admin/api/keys/${id}/secret`), 401],
      ["unknown key", adminCall(rig, "/admin/api/keys/fake-00000000000000000000/secret"), 404],
      ["unknown admin route", adminCall(rig, "/admin/api/nothing-here"), 404],
      ["malformed id", adminCall(rig, "/admin/api/tokens/..%2Fsettings%2Fauth.sessionSecret"), 400],
      ["body too large", adminCall(rig, "/admin/api/tokens", { json: { name: "x".repeat(70 * 1024) } }), 413],
      ["sign-in failure", adminLogin(rig, "wrong-password-1"), 401],
    ];
    for (const [label, pending, status] of cases) {
      const res = await pending;
      expect(res.status, label).toBe(status);
      expect(res.headers.get("cache-control"), label).toBe("no-store");
      await res.body?.cancel();
    }
  });
});
