/** The live tail on one instance shows another instance's requests, through the shared storage. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminCall, chatBody, startRig, type TestRig } from "../../test/support/index.js";
import { createMemoryStorage } from "../../test/support/memory-storage.js";
import { readLive } from "../../test/support/tail-reader.js";
import { idFloor } from "./logs-tail-remote.js";

const KEY = "sk-tail-remote-key-0000000000001";
let a: TestRig;
let b: TestRig;

beforeAll(async () => {
  const storage = createMemoryStorage();
  a = await startRig({ keys: { [KEY]: "ok" } }, { storage, requestLog: { flushMs: 50 } });
  await a.addKeys([KEY]);
  b = await startRig({ keys: { [KEY]: "ok" } }, { storage, requestLog: { flushMs: 50 } });
});
afterAll(async () => {
  await a.close();
  await b.close();
});

describe("live tail across instances", () => {
  it("instance B's tail shows A's request within 3 s, once, and B's own once", async () => {
    const tail = readLive(await adminCall(b, "/admin/api/logs/tail"));
    await tail.until(() => tail.text().includes(": tail"));
    expect((await a.call("/v1/chat/completions", { json: chatBody() })).status).toBe(200);
    const sent = Date.now();
    await tail.until((events) => events.some((e) => e.event === "request"), 3500);
    expect(Date.now() - sent).toBeLessThan(3500);
    await b.gateway.sync();
    expect((await b.call("/v1/chat/completions", { json: chatBody() })).status).toBe(200);
    // Two more polls: neither record may come twice.
    await new Promise((resolve) => setTimeout(resolve, 4500));
    await tail.close();
    const records = tail.events
      .filter((e) => e.event === "request")
      .map((e) => JSON.parse(e.data) as { id: string; instance: string });
    expect(records.map((r) => r.instance).sort()).toEqual(
      [a.gateway.usage.instanceId, b.gateway.usage.instanceId].sort(),
    );
    expect(new Set(records.map((r) => r.id)).size).toBe(2);
  }, 15_000);

  it("idFloor sorts below every id of its millisecond and above every earlier one", () => {
    const ms = 1_700_000_000_123;
    const id = `req-${ms.toString(36).padStart(9, "0")}00000abcd`;
    const earlier = `req-${(ms - 1).toString(36).padStart(9, "0")}zzzzzzzzz`;
    expect(idFloor(ms) <= id).toBe(true);
    expect(idFloor(ms) > earlier).toBe(true);
  });
});
