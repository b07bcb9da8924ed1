import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminCall, chatBody, startRig, type TestRig } from "../../test/support/index.js";
import type { RequestRecord } from "../logs/request-record.js";
import { roundRobin } from "../pool/strategies.js";

let rig: TestRig;
const logs = async (query = "") => {
  const res = await adminCall(rig, `/admin/api/logs${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as { items: RequestRecord[]; next?: string };
};

beforeAll(async () => {
  rig = await startRig(
    { keys: { "sk-dead-key-000001": "invalid", "sk-good-key-000001": "ok" } },
    { strategy: roundRobin() },
  );
  await rig.addKeys(["sk-dead-key-000001", "sk-good-key-000001"]);
  // Round robin over two keys: one of the first two requests meets the dead key first.
  for (let i = 0; i < 2; i++) expect((await rig.call("/v1/chat/completions", { json: chatBody() })).status).toBe(200);
  const streamed = await rig.call("/v1/chat/completions", { json: chatBody({ stream: true }) });
  await streamed.text();
  await rig.call("/v1/chat/completions", { json: chatBody({ model: "" }) });
});
afterAll(() => rig.close());

describe("request log: records", () => {
  it("shows a failed-over request with both attempts, their failure class and the key that served", async () => {
    const { items } = await logs();
    const failover = items.find((r) => r.attempts.length === 2) as RequestRecord;
    expect(failover).toBeDefined();
    const [first, second] = failover.attempts;
    expect(first).toMatchObject({ failure: "key_invalid", status: 401, keyMasked: "sk-dea…0001" });
    expect(second).toMatchObject({ status: 200, keyMasked: "sk-goo…0001" });
    expect(second?.failure).toBeUndefined();
    expect(failover).toMatchObject({
      status: 200,
      keyId: second?.keyId,
      keyMasked: "sk-goo…0001",
      provider: "fake",
      surface: "chat",
      model: "fake-chat-small",
      streamed: false,
      token: { id: "config-1", name: "config-1" },
      error: null,
    });
    expect(failover.ttfbMs).toBeGreaterThanOrEqual(0);
    expect(failover.durationMs).toBeGreaterThanOrEqual(failover.ttfbMs as number);
    expect(failover.tokensIn).toBeGreaterThan(0);
    expect(failover.bytes).toBeGreaterThan(0);
    const instance = (await (await adminCall(rig, "/admin/api/instance")).json()) as { id: string };
    expect(failover.instance).toBe(instance.id);
  });

  it("records a stream's bytes as sent and its tokens", async () => {
    const stream = (await logs()).items.find((r) => r.streamed) as RequestRecord;
    expect(stream).toMatchObject({ status: 200, attempts: [{ status: 200 }] });
    expect(stream.bytes).toBeGreaterThan(50);
  });

  it("answers one record by id, 404 for an unknown id and 400 for a malformed one", async () => {
    const { items } = await logs();
    const one = await adminCall(rig, `/admin/api/logs/${items[0]?.id}`);
    expect(await one.json()).toEqual(items[0]);
    expect((await adminCall(rig, "/admin/api/logs/req-00000000000000")).status).toBe(404);
    const bad = await adminCall(rig, "/admin/api/logs/..%2Fx");
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("Invalid request id");
  });

  it("records requests refused before a key is selected, with no attempt (see proxy/unserved.test.ts)", async () => {
    const before = (await logs()).items.length;
    const badToken = await fetch(`${rig.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer kh-wrong", "content-type": "application/json" },
      body: JSON.stringify(chatBody()),
    });
    expect(badToken.status).toBe(401);
    const badBody = await rig.call("/v1/chat/completions", {
      body: "{not json",
      headers: { "content-type": "application/json" },
    });
    expect(badBody.status).toBe(400);
    const after = (await logs()).items;
    expect(after.length).toBe(before + 2);
    expect(after.slice(0, 2).map((r) => [r.status, r.token?.id ?? null, r.attempts.length])).toEqual([
      [400, "config-1", 0],
      [401, null, 0],
    ]);
  });

  it("is admin only", async () => {
    expect((await fetch(`${rig.url}/admin/api/logs`)).status).toBe(401);
    expect((await rig.call("/admin/api/logs")).status).toBe(401);
  });
});

describe("request log: filters and pages", () => {
  it("filters by status, class, failed, key, provider, model, token, slowMs and time", async () => {
    const all = (await logs()).items;
    expect(all.length).toBeGreaterThanOrEqual(4);
    const deadId = all.flatMap((r) => r.attempts).find((a) => a.failure === "key_invalid")?.keyId;
    expect((await logs("?status=200")).items.every((r) => r.status === 200)).toBe(true);
    expect((await logs("?status=4xx")).items.every((r) => r.status >= 400 && r.status < 500)).toBe(true);
    expect((await logs("?failed=true")).items.every((r) => r.status >= 400)).toBe(true);
    expect((await logs(`?key=${deadId}`)).items).toHaveLength(1);
    // The refused 401 came before its provider was known; the token-less one has no token.
    expect((await logs("?provider=fake")).items).toHaveLength(all.filter((r) => r.provider === "fake").length);
    expect((await logs("?provider=fake")).items.length).toBeGreaterThanOrEqual(4);
    expect((await logs("?provider=other")).items).toHaveLength(0);
    expect((await logs("?model=fake-chat-small")).items.length).toBe(
      all.filter((r) => r.model === "fake-chat-small").length,
    );
    expect((await logs("?token=config-1")).items).toHaveLength(all.filter((r) => r.token !== null).length);
    expect((await logs("?slowMs=86400000")).items).toHaveLength(0);
    const newest = all[0] as RequestRecord;
    expect((await logs(`?since=${newest.at + 1}`)).items.every((r) => r.at > newest.at)).toBe(true);
    expect((await logs(`?until=${new Date(newest.at).toISOString()}`)).items.every((r) => r.at < newest.at)).toBe(true);
  });

  it("pages newest first with a cursor until the last page", async () => {
    const all = (await logs()).items;
    const seen: string[] = [];
    let page = await logs("?limit=1");
    for (;;) {
      seen.push(...page.items.map((r) => r.id));
      if (!page.next) break;
      page = await logs(`?limit=1&cursor=${page.next}`);
    }
    expect(seen).toEqual(all.map((r) => r.id));
    expect([...seen].sort().reverse()).toEqual(seen);
  });

  it("refuses malformed filters with a 400 naming the parameter", async () => {
    const cases: [string, string][] = [
      ["?status=abc", "status"],
      ["?status=6xx", "status"],
      ["?since=yesterday", "since"],
      ["?limit=0", "limit"],
      ["?limit=1001", "limit"],
      ["?slowMs=-1", "slowMs"],
      ["?failed=yes", "failed"],
      ["?stauts=200", "stauts"],
    ];
    for (const [query, param] of cases) {
      for (const route of ["", "/tail", "/export"]) {
        if (route && param === "limit") continue;
        const res = await adminCall(rig, `/admin/api/logs${route}${query}`);
        expect(res.status, `${route}${query}`).toBe(400);
        const body = (await res.json()) as { error: { param: string; message: string } };
        expect(body.error.param, `${route}${query}`).toBe(param);
      }
    }
  });
});

describe("request log: export", () => {
  it("exports the filtered log as JSON Lines and CSV", async () => {
    const all = (await logs()).items;
    const jsonl = await adminCall(rig, "/admin/api/logs/export?format=jsonl");
    expect(jsonl.headers.get("content-type")).toContain("application/x-ndjson");
    expect(jsonl.headers.get("content-disposition")).toMatch(/attachment; filename="keyhive-requests-.*\.jsonl"/);
    const lines = (await jsonl.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toEqual(all);
    const csv = await (await adminCall(rig, "/admin/api/logs/export?format=csv&status=200")).text();
    const rows = csv.trim().split("\n");
    expect(rows[0]).toBe(
      "id,at,instance,token,provider,surface,model,keyId,keyMasked,attempts,status,ttfbMs,durationMs,streamed,tokensIn,tokensOut,bytes,error",
    );
    expect(rows.length - 1).toBe(all.filter((r) => r.status === 200).length);
    expect(csv).toMatch(/:key_invalid:401:\d+ /);
  });
});

describe("request log: off", () => {
  it("answers 404 on every log route with requestLog: false", async () => {
    const off = await startRig({ keys: { "sk-good-key-000001": "ok" } }, { requestLog: false });
    try {
      for (const route of ["", "/tail", "/export", "/req-00000000000000"]) {
        const res = await adminCall(off, `/admin/api/logs${route}`);
        expect(res.status, route).toBe(404);
      }
    } finally {
      await off.close();
    }
  });
});
