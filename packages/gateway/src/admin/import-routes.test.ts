import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { adminCall, FAKE, startRig, type TestRig } from "../../test/support/index.js";
import { importResult } from "./schemas/import.js";

type ImportBody = {
  format: string;
  added: { id: string; key: string }[];
  duplicates: { id: string; key: string }[];
  rejected: { line?: number; item?: number; key?: string; reason: string }[];
  balances: number;
  check?: { jobId: string; total: number };
};

/** Posts a raw dump like `curl --data-binary @file` (text/plain). */
const importDump = (rig: Pick<TestRig, "url">, query: string, dump: string, type = "text/plain") =>
  adminCall(rig, `/admin/api/keys/import?${query}`, {
    method: "POST",
    headers: { "content-type": type },
    body: dump,
  });

const keyOf = async (rig: TestRig, id: string) =>
  (await (await adminCall(rig, `/admin/api/keys/${id}`)).json()) as { balance?: number; tags: string[] };

let rig: TestRig;
beforeAll(async () => {
  rig = await startRig({ acceptAnyKey: true });
});
afterAll(() => rig.close());

describe("key import: lists and key|balance", () => {
  it("imports a curl-style text/plain list with any separators, tagged, and masks every key", async () => {
    const dump = "sk-list-aaaa-000001\nsk-list-aaaa-000002, sk-list-aaaa-000003;sk-list-aaaa-000004\n\n";
    const res = await importDump(rig, `provider=${FAKE}&tags=seed,old`, dump);
    expect(res.status).toBe(201);
    const body = (await res.json()) as ImportBody;
    expect(body).toMatchObject({ format: "lines", duplicates: [], rejected: [], balances: 0 });
    expect(body.added).toHaveLength(4);
    expect(JSON.stringify(body)).not.toContain("aaaa-00000");
    const id = body.added[0]?.id as string;
    expect(rig.gateway.pool.get(id)?.secret).toBe("sk-list-aaaa-000001");
    expect((await keyOf(rig, id)).tags).toEqual(["seed", "old"]);
  });

  it("sets the balances of a key|balance dump on the added keys, in storage too", async () => {
    const dump = "sk-bal-aaaa-000001|12.5\nsk-bal-aaaa-000002|0\nsk-bal-aaaa-000003|\n";
    const body = (await (await importDump(rig, `provider=${FAKE}&format=key-balance`, dump)).json()) as ImportBody;
    expect(body.format).toBe("key-balance");
    expect(body.balances).toBe(2);
    const [a, b, c] = body.added.map((k) => k.id) as [string, string, string];
    expect((await keyOf(rig, a)).balance).toBe(12.5);
    expect((await keyOf(rig, b)).balance).toBe(0);
    expect((await keyOf(rig, c)).balance).toBeUndefined();
    expect((await rig.gateway.storage.keys.get(a))?.balance).toBe(12.5);
  });

  it("rejects only the malformed line, and the key its provider refuses, each with a reason", async () => {
    const dump = "sk-bad-aaaa-000001|3\nsk-bad-aaaa-000002|lots\nsk-bad-aaaa-000003|1|2\nshort|4\n";
    const res = await importDump(rig, `provider=${FAKE}`, dump);
    expect(res.status).toBe(201);
    const body = (await res.json()) as ImportBody;
    expect(body.format).toBe("key-balance");
    expect(body.added.map((k) => k.key)).toHaveLength(1);
    expect(body.rejected).toEqual([
      { line: 2, reason: 'balance "lots" is not a number' },
      { line: 3, reason: "more than one '|' in a `key|balance` item" },
      { key: expect.any(String), reason: expect.any(String) },
    ]);
    expect(body.rejected[2]?.key).not.toBe("short");
    expect(body.balances).toBe(1);
    // The documented shape, strict objects included.
    expect(z.safeParse(importResult, body).success).toBe(true);
  });

  it("counts a second import as duplicates and leaves their balances alone", async () => {
    const dump = "sk-dup-aaaa-000001|5\nsk-dup-aaaa-000002|6\n";
    expect((await importDump(rig, `provider=${FAKE}`, dump)).status).toBe(201);
    const res = await importDump(rig, `provider=${FAKE}`, "sk-dup-aaaa-000001|50\nsk-dup-aaaa-000003|7\n");
    expect(res.status).toBe(201);
    const body = (await res.json()) as ImportBody;
    expect(body.added).toHaveLength(1);
    expect(body.duplicates).toHaveLength(1);
    expect(body.balances).toBe(1);
    expect((await keyOf(rig, body.duplicates[0]?.id as string)).balance).toBe(5);
    const again = await importDump(rig, `provider=${FAKE}`, dump);
    expect(again.status).toBe(200);
    expect(((await again.json()) as ImportBody).duplicates).toHaveLength(2);
  });
});

describe("key import: the seed tools' data", () => {
  it("reads the seed KV value (wrangler kv key get), balances included", async () => {
    const value = [
      { key: "sk-kv-aaaa-000001", balance: 14.2 },
      { key: "sk-kv-aaaa-000002", balance: null },
      "sk-kv-aaaa-000003",
      42,
    ];
    const res = await importDump(rig, `provider=${FAKE}&format=seed-kv`, JSON.stringify(value), "application/json");
    expect(res.status).toBe(201);
    const body = (await res.json()) as ImportBody;
    expect(body).toMatchObject({ format: "seed-kv", balances: 1 });
    expect(body.added).toHaveLength(3);
    expect(body.rejected).toEqual([{ item: 4, reason: "expected a key string or an object with `key`" }]);
    expect((await keyOf(rig, body.added[0]?.id as string)).balance).toBe(14.2);
  });

  it("reads wrangler d1 execute --json output sent as curl's default form type (detected with format=auto)", async () => {
    const rows = [
      { key: "sk-d1-aaaa-000001", balance: 9.75, added: "2025-01-01 00:00:00", last_updated: "2025-02-01 00:00:00" },
      { key: "sk-d1-aaaa-000002", balance: 0.5, added: "2025-01-02 00:00:00", last_updated: "2025-02-02 00:00:00" },
    ];
    const dump = JSON.stringify([{ results: rows, success: true, meta: { duration: 1 } }], null, 2);
    const form = "application/x-www-form-urlencoded"; // what `curl --data-binary @keys.json` sends
    const body = (await (await importDump(rig, `provider=${FAKE}`, dump, form)).json()) as ImportBody;
    expect(body).toMatchObject({ format: "seed-d1", balances: 2, rejected: [] });
    expect(await Promise.all(body.added.map(async (k) => (await keyOf(rig, k.id)).balance))).toEqual([9.75, 0.5]);
  });

  it("accepts the admin UI's JSON form {provider, format, text, tags}", async () => {
    const res = await adminCall(rig, "/admin/api/keys/import", {
      json: { provider: FAKE, format: "key-balance", text: "sk-ui-aaaa-000001|3\n", tags: ["ui"] },
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as ImportBody;
    expect(body).toMatchObject({ format: "key-balance", balances: 1 });
    expect(await keyOf(rig, body.added[0]?.id as string)).toMatchObject({ balance: 3, tags: ["ui"] });
  });
});

describe("key import: Keyhive's own export, round trip", () => {
  it.each(["csv", "json"])("moves keys, balances and all, to a fresh gateway via format=%s", async (format) => {
    const source = await startRig({ acceptAnyKey: true });
    const target = await startRig({ acceptAnyKey: true });
    try {
      const seeded = (await (
        await importDump(
          source,
          `provider=${FAKE}`,
          "sk-rt-aaaa-000001|20\nsk-rt-aaaa-000002|1.25\nsk-rt-aaaa-000003\n",
        )
      ).json()) as ImportBody;
      expect(seeded.added).toHaveLength(3);
      const exported = await adminCall(source, `/admin/api/export?format=${format}&reveal=true`);
      expect(exported.status).toBe(200);
      const dump = await exported.text();
      const res = await importDump(target, `provider=${FAKE}`, dump, exported.headers.get("content-type") ?? "");
      expect(res.status).toBe(201);
      const body = (await res.json()) as ImportBody;
      expect(body).toMatchObject({ format, balances: 2, rejected: [], duplicates: [] });
      const moved = target.gateway.pool.keysOf(FAKE).map((r) => [r.secret, r.balance]);
      const original = source.gateway.pool.keysOf(FAKE).map((r) => [r.secret, r.balance]);
      expect(moved.sort()).toEqual(original.sort());
      expect(moved).toContainEqual(["sk-rt-aaaa-000002", 1.25]);
    } finally {
      await Promise.all([source.close(), target.close()]);
    }
  });

  it("rejects a masked export's keys, saying to export with reveal=true", async () => {
    const exported = await (await adminCall(rig, "/admin/api/export?format=csv")).text();
    const res = await importDump(rig, `provider=${FAKE}`, exported);
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { message: string } };
    expect(error.message).toMatch(/No key could be read from the dump as 'csv'.*reveal=true/);
  });
});
