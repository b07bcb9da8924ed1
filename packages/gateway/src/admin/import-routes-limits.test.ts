import { Agent, fetch as undiciFetch } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { ADMIN_PASSWORD, adminCall, FAKE, startRig, type TestRig } from "../../test/support/index.js";
import { IMPORT_FORMATS } from "./import-formats.js";
import { importResult } from "./schemas/import.js";
import { MAX_KEYS_PER_CALL } from "./schemas/keys.js";

type ErrorBody = { error: { message: string; code: string; param: string | null } };

/** Posts a raw dump like `curl --data-binary @file` (text/plain). */
const importDump = (query: string, dump: string, headers: Record<string, string> = {}) =>
  adminCall(rig, `/admin/api/keys/import?${query}`, {
    method: "POST",
    headers: { "content-type": "text/plain", ...headers },
    body: dump,
  });

const keys = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => `sk-${prefix}-${String(i).padStart(6, "0")}`);

let rig: TestRig;
beforeAll(async () => {
  rig = await startRig({ acceptAnyKey: true });
});
afterAll(() => rig.close());

describe("key import: 400s", () => {
  it("names the known providers for an unknown one, and lists the formats for an unknown format", async () => {
    const res = await importDump("provider=nope", "sk-err-aaaa-000001");
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error).toMatchObject({
      message: `Unknown provider 'nope'; known: ${FAKE}.`,
      param: "provider",
    });
    const bad = await importDump(`provider=${FAKE}&format=xml`, "sk-err-aaaa-000001");
    expect(bad.status).toBe(400);
    const { error } = (await bad.json()) as ErrorBody;
    expect(error.param).toBe("format");
    for (const format of IMPORT_FORMATS) expect(error.message).toContain(format);
    const missing = await importDump("format=lines", "sk-err-aaaa-000001");
    expect(((await missing.json()) as ErrorBody).error.param).toBe("provider");
    expect(rig.gateway.pool.keysOf(FAKE)).toHaveLength(0);
  });

  it("refuses an empty dump and one with nothing readable, saying why", async () => {
    const cases: [string, string, RegExp, string][] = [
      [`provider=${FAKE}`, "  \n\n ", /^The dump is empty: send the keys as the request body\.$/, "body"],
      [
        `provider=${FAKE}&format=key-balance`,
        "a|b|c\n",
        /as 'key-balance'\. 1 rejected; first: line 1: more than/,
        "body",
      ],
      [`provider=${FAKE}&format=seed-kv`, "[1, 2]", /as 'seed-kv'\. 2 rejected; first: item 1: expected a key/, "body"],
      [`provider=${FAKE}&format=json`, "{nope", /not valid JSON/, "data"],
      [`provider=${FAKE}&format=csv`, "a,b\n1,2\n", /header naming a `key` column/, "data"],
    ];
    for (const [query, dump, message, param] of cases) {
      const res = await importDump(query, dump);
      expect(res.status, dump).toBe(400);
      const { error } = (await res.json()) as ErrorBody;
      expect(error.message, dump).toMatch(message);
      expect(error.param, dump).toBe(param);
    }
    const json = await adminCall(rig, "/admin/api/keys/import", { json: { provider: FAKE, text: "" } });
    expect(((await json.json()) as ErrorBody).error).toMatchObject({
      message: "The dump is empty: send the keys as 'text'.",
      param: "text",
    });
    expect(rig.gateway.pool.keysOf(FAKE)).toHaveLength(0);
  });

  it(`refuses more than ${MAX_KEYS_PER_CALL} distinct keys, storing none`, async () => {
    const res = await importDump(`provider=${FAKE}`, keys(MAX_KEYS_PER_CALL + 1, "many").join("\n"));
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.message).toBe(
      `At most ${MAX_KEYS_PER_CALL} keys per call (the dump has ${MAX_KEYS_PER_CALL + 1}): split it.`,
    );
    expect(rig.gateway.pool.keysOf(FAKE)).toHaveLength(0);
  });
});

describe("key import: limits, auth and checks", () => {
  it("accepts a 2 MB dump (the keys' body limit, not the 64 KiB default) and answers 413 above 2 MiB", async () => {
    const note = "n".repeat(390);
    const lines = keys(5000, "big").map((k, i) => `${k},${i},${note}`);
    const dump = `key,balance,note\n${lines.join("\n")}\n`;
    expect(dump.length).toBeGreaterThan(2_000_000);
    expect(dump.length).toBeLessThan(2 * 1024 * 1024);
    const res = await importDump(`provider=${FAKE}&format=csv`, dump);
    expect(res.status).toBe(201);
    const body = (await res.json()) as { added: unknown[]; balances: number; format: string };
    expect(body).toMatchObject({ format: "csv", balances: 5000 });
    expect(body.added).toHaveLength(5000);
    // Its own connection: the server answers 413 before reading the upload, then drops it.
    const agent = new Agent();
    const tooBig = await undiciFetch(`${rig.url}/admin/api/keys/import?provider=${FAKE}&format=csv`, {
      method: "POST",
      dispatcher: agent,
      headers: { authorization: `Bearer ${ADMIN_PASSWORD}`, "content-type": "text/plain" },
      body: `${dump}${"x".repeat(100_000)}`,
    });
    expect(tooBig.status).toBe(413);
    expect(((await tooBig.json()) as ErrorBody).error.code).toBe("request_too_large");
    await agent.close().catch(() => {});
  });

  it("answers 401 without credentials and stores nothing", async () => {
    const before = rig.gateway.pool.keysOf(FAKE).length;
    const res = await fetch(`${rig.url}/admin/api/keys/import?provider=${FAKE}`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "sk-anon-aaaa-000001",
    });
    expect(res.status).toBe(401);
    expect(rig.gateway.pool.keysOf(FAKE)).toHaveLength(before);
  });

  it("starts a check job for the added keys only with check=true", async () => {
    await importDump(`provider=${FAKE}`, "sk-chk-aaaa-000001");
    const res = await importDump(
      `provider=${FAKE}&check=true`,
      "sk-chk-aaaa-000001\nsk-chk-aaaa-000002\nsk-chk-aaaa-000003",
    );
    expect(res.status).toBe(201);
    const body = (await res.json()) as { added: { id: string }[]; check?: { jobId: string; total: number } };
    expect(body.added).toHaveLength(2);
    expect(body.check?.total).toBe(2);
    expect(z.safeParse(importResult, body).success).toBe(true);
    let job: { status: string; total?: number } = { status: "running" };
    for (let i = 0; i < 100 && job.status === "running"; i++) {
      job = (await (await adminCall(rig, `/admin/api/checks/${body.check?.jobId}`)).json()) as typeof job;
      if (job.status === "running") await new Promise((r) => setTimeout(r, 50));
    }
    expect(job.status).toBe("done");
    expect(rig.gateway.pool.get(body.added[0]?.id as string)?.lastCheckedAt).toBeDefined();
    const none = await importDump(`provider=${FAKE}&check=true`, "sk-chk-aaaa-000002");
    expect(none.status).toBe(200);
    expect(await none.json()).not.toHaveProperty("check");
    const plain = await importDump(`provider=${FAKE}`, "sk-chk-aaaa-000004");
    expect(await plain.json()).not.toHaveProperty("check");
  });
});
