import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminCall, cookieOf, startRig, type TestRig } from "../test-support.js";
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
