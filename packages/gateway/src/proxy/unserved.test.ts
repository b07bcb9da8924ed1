/**
 * Requests that end before or outside the pool reach the request log too: a refused token, a
 * refused body, a client's own key (pass-through), a client gone before the answer (499).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminCall, CLIENT_TOKEN, chatBody, startRig, type TestRig } from "../../test/support/index.js";
import type { MemoryRequestLog } from "../../test/support/memory-request-log.js";
import type { RequestRecord } from "../logs/request-record.js";

const POOLED = "sk-unserved-pooled-0000000000001";
const SLOW = "sk-unserved-slow-00000000000001";
const OWN = "sk-unserved-own-key-000000000001";
let rig: TestRig;

const newest = async (): Promise<RequestRecord> => {
  const page = (await (await adminCall(rig, "/admin/api/logs?limit=1")).json()) as { items: RequestRecord[] };
  return page.items[0] as RequestRecord;
};
const post = (authorization: string, body: string, signal?: AbortSignal) =>
  fetch(`${rig.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization, "content-type": "application/json" },
    body,
    signal,
  });

beforeAll(async () => {
  rig = await startRig(
    { keys: { [POOLED]: "ok", [SLOW]: "slow", [OWN]: "ok" }, slowMs: 3000 },
    { requestLog: { flushMs: 20 } },
  );
  await rig.addKeys([POOLED]);
});
afterAll(() => rig.close());

describe("request log: requests outside the pool", () => {
  it("records an unknown token's 401 with no token, in memory only", async () => {
    const response = await post("Bearer kh-not-a-token", JSON.stringify(chatBody()));
    expect(response.status).toBe(401);
    const record = await newest();
    expect(record).toMatchObject({ status: 401, token: null, keyId: null, attempts: [], surface: "chat" });
    expect(record.error).toMatch(/token/i);
    expect(JSON.stringify(record)).not.toContain("kh-not-a-token");
    await rig.gateway.flush();
    const stored = (rig.gateway.storage.requestLog as MemoryRequestLog).records;
    expect(stored.some((r) => r.id === record.id)).toBe(false);
  });

  it("records a malformed body's 400 with the client's token, and writes it to storage", async () => {
    const response = await post(`Bearer ${CLIENT_TOKEN}`, "{not json");
    expect(response.status).toBe(400);
    const record = await newest();
    expect(record.status).toBe(400);
    expect(record.token?.id).toBeTruthy();
    expect(record.error).toBeTruthy();
    await rig.gateway.flush();
    const stored = (rig.gateway.storage.requestLog as MemoryRequestLog).records;
    expect(stored.some((r) => r.id === record.id)).toBe(true);
  });

  it("records a client's own key with its masked form and the upstream's status", async () => {
    expect(
      (await adminCall(rig, "/admin/api/settings", { method: "PATCH", json: { clientKeyPassThrough: true } })).status,
    ).toBe(200);
    try {
      const response = await post(`Bearer ${OWN}`, JSON.stringify(chatBody()));
      expect(response.status).toBe(200);
      await response.text();
      const record = await newest();
      expect(record).toMatchObject({
        status: 200,
        token: null,
        keyId: null,
        provider: "fake",
        model: "fake-chat-small",
      });
      expect(record.keyMasked).toMatch(/…/);
      expect(JSON.stringify(record)).not.toContain(OWN);
    } finally {
      await adminCall(rig, "/admin/api/settings", { method: "PATCH", json: { clientKeyPassThrough: false } });
    }
  });

  it("records a client that went away before the answer as 499, with the attempt", async () => {
    await rig.addKeys([SLOW]);
    for (const key of rig.gateway.pool.keysOf()) {
      if (key.secret === POOLED) rig.gateway.pool.patch(key.id, { status: "disabled" });
    }
    const abort = new AbortController();
    const sent = post(`Bearer ${CLIENT_TOKEN}`, JSON.stringify(chatBody()), abort.signal).catch((e: Error) => e);
    // The slow key holds its answer 3 s; the client hangs up after 300 ms.
    await new Promise((resolve) => setTimeout(resolve, 300));
    abort.abort();
    expect(await sent).toBeInstanceOf(Error);
    await expect.poll(async () => (await newest()).status, { timeout: 5000 }).toBe(499);
    const record = await newest();
    expect(record.error).toContain("client closed");
    expect(record.attempts).toHaveLength(1);
    expect(record.durationMs).toBeLessThan(2500);
  });
});
