import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminCall, createMemoryStorage, startRig, type TestRig } from "../../test/support/index.js";
import { InvalidRecordNameError } from "../spec/storage.js";

/** Every admin route with an id in its path, with a method and body that reach the handler. */
const ID_ROUTES: { method: string; path: (id: string) => string; body?: unknown }[] = [
  { method: "GET", path: (id) => `/admin/api/keys/${id}` },
  { method: "PATCH", path: (id) => `/admin/api/keys/${id}`, body: { weight: 2 } },
  { method: "DELETE", path: (id) => `/admin/api/keys/${id}` },
  { method: "GET", path: (id) => `/admin/api/keys/${id}/secret` },
  { method: "GET", path: (id) => `/admin/api/tokens/${id}` },
  { method: "PATCH", path: (id) => `/admin/api/tokens/${id}`, body: { name: "x" } },
  { method: "DELETE", path: (id) => `/admin/api/tokens/${id}` },
  { method: "DELETE", path: (id) => `/admin/api/admin-tokens/${id}` },
  { method: "GET", path: (id) => `/admin/api/checks/${id}` },
  { method: "GET", path: (id) => `/admin/api/checks/${id}/events` },
  { method: "POST", path: (id) => `/admin/api/checks/${id}/stop` },
  { method: "POST", path: (id) => `/admin/api/checks/${id}/step` },
];

const MALFORMED = [
  "..%2Fsettings%2Fauth.sessionSecret",
  "..%2F..%2Fetc%2Fpasswd",
  "abc%00",
  "%00",
  "a%3Ab",
  "a%5Cb",
  ".hidden",
  "a%3Fb",
  "%E0%A4%A", // not even valid percent-encoding
  "x".repeat(257),
];

interface ErrorBody {
  error: { message: string; type: string; code: string; param: string | null };
}

describe("ids in admin paths", () => {
  let rig: TestRig;
  beforeAll(async () => {
    rig = await startRig({});
  });
  afterAll(() => rig.close());

  it("answers a malformed id with a 400 JSON error on every id route, before any storage call", async () => {
    for (const route of ID_ROUTES) {
      for (const id of MALFORMED) {
        const label = `${route.method} ${route.path(id)}`;
        const res = await adminCall(rig, route.path(id), {
          method: route.method,
          ...(route.body ? { json: route.body } : {}),
        });
        expect(res.status, label).toBe(400);
        expect(res.headers.get("content-type"), label).toContain("application/json");
        const body = (await res.json()) as ErrorBody;
        expect(body.error, label).toMatchObject({
          type: "invalid_request_error",
          code: "invalid_request",
          param: "id",
        });
        expect(body.error.message, label).toMatch(/^Invalid (key|token|admin token|check job) id ".*": ids are 1–256/);
      }
    }
  });

  it("answers a well-formed unknown id with a 404 JSON error", async () => {
    const ids = ["fake-0123456789abcdef0123", "tok-000000000000", "adm-000000000000", "chk-unknown", "x.y_z-1"];
    for (const route of ID_ROUTES) {
      for (const id of ids) {
        const res = await adminCall(rig, route.path(id), {
          method: route.method,
          ...(route.body ? { json: route.body } : {}),
        });
        expect(res.status, `${route.method} ${route.path(id)}`).toBe(404);
        expect(((await res.json()) as ErrorBody).error.type).toBe("not_found_error");
      }
    }
  });

  it("still serves the static route that sits where an id would (POST /keys/bulk)", async () => {
    const res = await adminCall(rig, "/admin/api/keys/bulk", { json: { action: "disable", ids: ["x"] } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ affected: 0 });
  });

  it("checks the id only after authentication: no credentials is a 401 whatever the id", async () => {
    const res = await fetch(`${rig.url}/admin/api/tokens/..%2Fx`);
    expect(res.status).toBe(401);
  });
});

describe("a storage refusing a record name", () => {
  it("is answered with a 400 naming the problem, never a 500", async () => {
    const storage = createMemoryStorage();
    // A storage stricter than the API's rule: its typed error must still become a 400.
    const strict = {
      ...storage,
      tokens: {
        ...storage.tokens,
        get: async (id: string) => {
          throw new InvalidRecordNameError("token id", id);
        },
      },
    };
    const errors: unknown[] = [];
    const rig = await startRig({}, { storage: strict, onError: (e) => errors.push(e) });
    try {
      const res = await adminCall(rig, "/admin/api/tokens/tok-000000000000");
      expect(res.status).toBe(400);
      const body = (await res.json()) as ErrorBody;
      expect(body.error).toMatchObject({ code: "invalid_request", param: "id" });
      expect(body.error.message).toBe(
        `Invalid token id "tok-000000000000": record names are 1–256 characters of letters, digits, '.', '_' and '-', not starting with '.'.`,
      );
      expect(errors).toEqual([]); // not logged as a gateway failure
    } finally {
      await rig.close();
    }
  });
});
