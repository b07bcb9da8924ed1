import { Agent, fetch as undiciFetch } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PASSWORD, adminCall, startRig, type TestRig } from "../../test/support/index.js";

type KeyView = {
  id: string;
  key: string;
  status: string;
  tags: string[];
  weight: number;
  baseURL?: string;
  balance?: number;
};
type ErrorBody = { error: { message: string; code: string; param: string | null } };

let rig: TestRig;
beforeAll(async () => {
  rig = await startRig({ acceptAnyKey: true });
});
afterAll(() => rig.close());

describe("admin keys API: adding", () => {
  it("adds a batch of 1,000 keys, rejecting exactly the malformed ones with a masked key and reason", async () => {
    const keys: string[] = [];
    const malformed = new Set<number>([3, 77, 500, 999]);
    for (let i = 0; i < 1000; i++) {
      if (!malformed.has(i)) keys.push(`sk-batch-${String(i).padStart(4, "0")}-abcdefgh`);
      else keys.push(i % 2 ? `bad key ${i}` : `sk${i}`); // spaces / too short
    }
    const res = await adminCall(rig, "/admin/api/keys", { json: { provider: "fake", keys, tags: ["batch"] } });
    expect(res.status).toBe(201);
    const body = (await res.json()) as {
      added: { id: string; key: string }[];
      duplicates: unknown[];
      rejected: { key: string; reason: string }[];
    };
    expect(body.added).toHaveLength(996);
    expect(body.rejected).toHaveLength(4);
    expect(body.rejected.every((r) => r.reason.length > 0 && !r.key.includes("bad key"))).toBe(true);
    expect(JSON.stringify(body)).not.toContain("abcdefgh");
    // In storage and in the pool.
    const id = body.added[0]?.id as string;
    expect((await rig.gateway.storage.keys.get(id))?.tags).toEqual(["batch"]);
    expect(rig.gateway.pool.keysOf("fake").length).toBe(996);

    const again = (await (
      await adminCall(rig, "/admin/api/keys", { json: { provider: "fake", keys: keys.slice(0, 10) } })
    ).json()) as {
      duplicates: unknown[];
    };
    expect(again.duplicates).toHaveLength(9);
  });

  it("splits pasted text on any whitespace, commas and semicolons and applies baseURL and weight", async () => {
    const text = "sk-paste-aaaaaaaa1, sk-paste-aaaaaaaa2;sk-paste-aaaaaaaa3\n\tsk-paste-aaaaaaaa4  sk-paste-aaaaaaaa4";
    const res = await adminCall(rig, "/admin/api/keys", {
      json: { provider: "fake", keys: text, baseURL: "https://relay.example/v1", weight: 3 },
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { added: { id: string }[] };
    expect(body.added).toHaveLength(4);
    const record = rig.gateway.pool.get(body.added[0]?.id as string);
    expect(record).toMatchObject({ baseURL: "https://relay.example/v1", weight: 3 });
  });
});

describe("admin keys API: validation", () => {
  it("answers 400 with the field path for wrong types and unknown providers, 413 for oversized bodies", async () => {
    const cases: [unknown, string][] = [
      [{ provider: "fake", keys: 42 }, "keys"],
      [{ provider: "fake", keys: ["sk-aaaaaaaaaaa"], weight: "heavy" }, "weight"],
      [{ provider: "fake", keys: ["sk-aaaaaaaaaaa"], tags: [1] }, "tags.0"],
      [{ provider: "fake", keys: ["sk-aaaaaaaaaaa"], baseURL: "ftp://x" }, "baseURL"],
      [{ provider: "nope", keys: ["sk-aaaaaaaaaaa"] }, "provider"],
      [{ provider: "fake", keys: "  ,; " }, "keys"],
      [{ provider: "fake", keys: ["sk-aaaaaaaaaaa"], surprise: true }, "surprise"],
    ];
    for (const [json, param] of cases) {
      const res = await adminCall(rig, "/admin/api/keys", { json });
      expect(res.status, JSON.stringify(json)).toBe(400);
      expect(((await res.json()) as ErrorBody).error.param).toBe(param);
    }
    // Its own connection: the server answers 413 before reading the upload, then drops it.
    const agent = new Agent();
    const huge = await undiciFetch(`${rig.url}/admin/api/keys`, {
      method: "POST",
      dispatcher: agent,
      headers: { authorization: `Bearer ${ADMIN_PASSWORD}`, "content-type": "application/json" },
      body: JSON.stringify({ provider: "fake", keys: "sk-xxxxxxxxxxxx ".repeat(200_000) }),
    });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as ErrorBody).error.code).toBe("request_too_large");
    // Other admin routes allow far less than a key batch.
    const bigPatch = await undiciFetch(`${rig.url}/admin/api/settings`, {
      method: "PATCH",
      dispatcher: agent,
      headers: { authorization: `Bearer ${ADMIN_PASSWORD}`, "content-type": "application/json" },
      body: JSON.stringify({ pad: "x".repeat(100_000) }),
    });
    expect(bigPatch.status).toBe(413);
    await agent.close().catch(() => {});
  });
});

describe("admin keys API: listing and reading", () => {
  it("lists with filter, sort and pagination from the pool snapshot, masked", async () => {
    const reads = rig.gateway.pool.storageReads;
    const page = await adminCall(rig, "/admin/api/keys?tag=batch&sort=addedAt&order=asc&page=2&pageSize=100");
    expect(page.status).toBe(200);
    const body = (await page.json()) as { data: KeyView[]; total: number; page: number; pageSize: number };
    expect(body).toMatchObject({ total: 996, page: 2, pageSize: 100 });
    expect(body.data).toHaveLength(100);
    expect(JSON.stringify(body)).not.toContain('"secret"');
    expect(JSON.stringify(body)).not.toContain('"hash"');
    expect(body.data[0]?.key).toMatch(/^sk-bat…/);
    expect(rig.gateway.pool.storageReads).toBe(reads);

    const q = (await (await adminCall(rig, "/admin/api/keys?q=batch-0042")).json()) as { total: number };
    expect(q.total).toBe(1);
    const bad = await adminCall(rig, "/admin/api/keys?status=zombie");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ErrorBody).error.param).toBe("status.0");
    expect((await adminCall(rig, "/admin/api/keys?pageSize=5000")).status).toBe(400);
    expect((await adminCall(rig, "/admin/api/keys?sort=secret")).status).toBe(400);
  });

  it("reads one key, reveals its secret only on the explicit route, and patches it", async () => {
    const [first] = (
      (await (await adminCall(rig, "/admin/api/keys?q=sk-paste-aaaaaaaa1")).json()) as { data: KeyView[] }
    ).data;
    const id = first?.id as string;
    const one = (await (await adminCall(rig, `/admin/api/keys/${id}`)).json()) as KeyView;
    expect(one.key).not.toBe("sk-paste-aaaaaaaa1");
    const secret = (await (await adminCall(rig, `/admin/api/keys/${id}/secret`)).json()) as { secret: string };
    expect(secret.secret).toBe("sk-paste-aaaaaaaa1");

    const patched = await adminCall(rig, `/admin/api/keys/${id}`, {
      method: "PATCH",
      json: { disabled: true, weight: 5, tags: ["x", "x", "y"], baseURL: null },
    });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ status: "disabled", weight: 5, tags: ["x", "y"] });
    const stored = await rig.gateway.storage.keys.get(id);
    expect(stored).toMatchObject({ status: "disabled", weight: 5, tags: ["x", "y"] });
    expect(stored?.baseURL).toBeUndefined();
    expect(rig.gateway.pool.get(id)?.baseURL).toBeUndefined();

    expect((await adminCall(rig, `/admin/api/keys/${id}`, { method: "PATCH", json: { disabled: false } })).status).toBe(
      200,
    );
    expect((await rig.gateway.storage.keys.get(id))?.status).toBe("active");
    expect((await adminCall(rig, `/admin/api/keys/${id}`, { method: "PATCH", json: { weight: -1 } })).status).toBe(400);
    expect((await adminCall(rig, `/admin/api/keys/${id}`, { method: "PATCH", json: {} })).status).toBe(400);
    expect((await adminCall(rig, "/admin/api/keys/fake-missing")).status).toBe(404);
  });
});

describe("admin keys API: bulk changes and checks", () => {
  it("bulk-disables and enables by filter, deletes by ids and by filter, in storage and pool", async () => {
    const disable = await adminCall(rig, "/admin/api/keys/bulk", {
      json: { action: "disable", filter: { q: "sk-paste" } },
    });
    expect(await disable.json()).toEqual({ affected: 4 });
    const pasted = rig.gateway.pool.keysOf().filter((k) => k.secret.startsWith("sk-paste"));
    expect(pasted.every((k) => k.status === "disabled")).toBe(true);
    expect((await rig.gateway.storage.keys.get(pasted[0]?.id as string))?.status).toBe("disabled");

    const byIds = await adminCall(rig, "/admin/api/keys/bulk", {
      json: { action: "delete", ids: [pasted[0]?.id] },
    });
    expect(await byIds.json()).toEqual({ affected: 1 });
    expect(await rig.gateway.storage.keys.get(pasted[0]?.id as string)).toBeNull();
    expect(rig.gateway.pool.get(pasted[0]?.id as string)).toBeUndefined();

    const deleted = await adminCall(rig, "/admin/api/keys", {
      method: "DELETE",
      json: { filter: { status: ["disabled"] } },
    });
    expect(await deleted.json()).toEqual({ deleted: 3 });
    expect(rig.gateway.pool.keysOf().some((k) => k.status === "disabled")).toBe(false);

    // Refuses to act without an explicit selection; an empty filter explicitly means every key.
    const none = await adminCall(rig, "/admin/api/keys", { method: "DELETE", json: {} });
    expect(none.status).toBe(400);
    expect(((await none.json()) as ErrorBody).error.param).toBe("ids");
    const total = rig.gateway.pool.size;
    const all = await adminCall(rig, "/admin/api/keys/bulk", { json: { action: "disable", filter: {} } });
    expect(await all.json()).toEqual({ affected: total });
    await adminCall(rig, "/admin/api/keys/bulk", { json: { action: "enable", filter: {} } });
    expect(rig.gateway.pool.keysOf().every((k) => k.status === "active")).toBe(true);
    expect((await adminCall(rig, "/admin/api/keys/bulk", { json: { action: "explode", ids: ["a"] } })).status).toBe(
      400,
    );
  });

  it("starts a check job for the added keys when asked", async () => {
    const res = await adminCall(rig, "/admin/api/keys", {
      json: {
        provider: "fake",
        keys: ["sk-checkme-000001", "sk-checkme-000002"],
        check: { interval: { mode: "fixed", ms: 0 } },
      },
    });
    const body = (await res.json()) as { check: { jobId: string; total: number } };
    expect(body.check.total).toBe(2);
    let job = { status: "running" };
    for (let i = 0; i < 100 && job.status === "running"; i++) {
      job = (await (await adminCall(rig, `/admin/api/checks/${body.check.jobId}`)).json()) as { status: string };
      if (job.status === "running") await new Promise((r) => setTimeout(r, 20));
    }
    expect(job).toMatchObject({ status: "done", done: 2, ok: 2 });
  });
});
