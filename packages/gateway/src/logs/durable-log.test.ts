/**
 * The durable request log through real gateways over one shared memory storage: records reach
 * the storage in batches, survive a restart, show every instance's requests, retry after a
 * failed write, and retention keeps the store bounded.
 */
import { afterEach, describe, expect, it } from "vitest";
import { adminCall, chatBody, startRig, type TestRig } from "../../test/support/index.js";
import type { MemoryRequestLog } from "../../test/support/memory-request-log.js";
import { createMemoryStorage } from "../../test/support/memory-storage.js";
import type { Storage } from "../spec/storage.js";
import type { RequestRecord } from "./request-record.js";

const KEY = "sk-durable-log-key-000000000001";
const rigs: TestRig[] = [];
afterEach(async () => {
  for (const rig of rigs.splice(0)) await rig.close();
});

async function rigOn(storage: Storage, requestLog: object = {}, errors: unknown[] = []) {
  const rig = await startRig({ keys: { [KEY]: "ok" } }, { storage, requestLog, onError: (e) => errors.push(e) });
  rigs.push(rig);
  if (rig.gateway.pool.keysOf().length === 0) await rig.addKeys([KEY]);
  else await rig.gateway.sync();
  return rig;
}

const chat = async (rig: TestRig) => (await rig.call("/v1/chat/completions", { json: chatBody() })).status;
const stored = (storage: Storage) => (storage.requestLog as MemoryRequestLog).records;
const list = async (rig: TestRig, query = "") =>
  (await (await adminCall(rig, `/admin/api/logs${query}`)).json()) as {
    items: RequestRecord[];
    next?: string;
    source: string;
  };

describe("durable request log", () => {
  it("writes requests to storage in one batch per flush, in the background", async () => {
    const storage = createMemoryStorage();
    const rig = await rigOn(storage, { flushMs: 200 });
    for (let i = 0; i < 10; i++) expect(await chat(rig)).toBe(200);
    // Answered before anything was written: the proxy does not wait on storage.
    expect(stored(storage)).toHaveLength(0);
    await expect.poll(() => stored(storage).length, { timeout: 3000 }).toBe(10);
    expect((storage.requestLog as MemoryRequestLog).appends).toBe(1);
    expect(new Set(stored(storage).map((r) => r.instance))).toEqual(new Set([rig.gateway.usage.instanceId]));
  });

  it("a new instance over the same storage lists the old one's requests; both instances' requests merge newest first", async () => {
    const storage = createMemoryStorage();
    const a = await rigOn(storage, { flushMs: 50 });
    for (let i = 0; i < 3; i++) await chat(a);
    await a.gateway.flush();
    const b = await rigOn(storage, { flushMs: 50 });
    const before = await list(b);
    expect(before.source).toBe("storage");
    expect(before.items).toHaveLength(3);
    for (let i = 0; i < 2; i++) await chat(b);
    for (let i = 0; i < 2; i++) await chat(a);
    // b's newest are in its ring before they are written; a's only once written.
    await a.gateway.flush();
    const page = await list(b);
    expect(page.items).toHaveLength(7);
    expect(page.items.map((r) => r.id)).toEqual([...page.items.map((r) => r.id)].sort().reverse());
    expect(new Set(page.items.map((r) => r.instance)).size).toBe(2);
    // Paging across both sources: every record once.
    const seen: string[] = [];
    let cursor = "";
    for (let guard = 0; guard < 10; guard++) {
      const next = await list(b, `?limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...next.items.map((r) => r.id));
      if (!next.next) break;
      cursor = next.next;
    }
    expect(seen).toEqual(page.items.map((r) => r.id));
    const other = page.items.find((r) => r.instance === a.gateway.usage.instanceId);
    const one = await adminCall(b, `/admin/api/logs/${other?.id}`);
    expect(one.status).toBe(200);
    expect(((await one.json()) as RequestRecord).instance).toBe(a.gateway.usage.instanceId);
    const exported = await (await adminCall(b, "/admin/api/logs/export")).text();
    expect(exported.trim().split("\n")).toHaveLength(7);
  });
});

describe("durable request log: failures and retention", () => {
  it("keeps a batch whose write failed and writes it on a retry, once", async () => {
    const storage = createMemoryStorage();
    const log = storage.requestLog as MemoryRequestLog;
    const errors: unknown[] = [];
    const rig = await rigOn(storage, { flushMs: 50 }, errors);
    log.failNext = 1;
    for (let i = 0; i < 4; i++) await chat(rig);
    await expect.poll(() => errors.length, { timeout: 3000 }).toBe(1);
    expect(String((errors[0] as Error).message)).toContain("Writing the request log to storage failed");
    expect(stored(storage)).toHaveLength(0);
    // Retried on its own, with no new request to trigger it.
    await expect.poll(() => stored(storage).length, { timeout: 3000 }).toBe(4);
    expect(errors).toHaveLength(1);
    await chat(rig);
    await expect.poll(() => stored(storage).length, { timeout: 3000 }).toBe(5);
    expect(new Set(stored(storage).map((r) => r.id)).size).toBe(5);
  });

  it("retention keeps the store to maxRecords and drops records past maxAgeDays", async () => {
    const storage = createMemoryStorage();
    const rig = await rigOn(storage, { flushMs: 20, maxRecords: 5, pruneEveryMs: 0 });
    for (let i = 0; i < 12; i++) await chat(rig);
    await rig.gateway.flush();
    expect(stored(storage)).toHaveLength(5);
    const old = { ...stored(storage)[0], id: "req-000000001000000000", at: 1000 } as RequestRecord;
    await storage.requestLog?.append([old]);
    expect(stored(storage).some((r) => r.id === old.id)).toBe(true);
    await chat(rig);
    await rig.gateway.flush();
    expect(stored(storage).some((r) => r.id === old.id)).toBe(false);
    expect(stored(storage)).toHaveLength(5);
  });

  it("durable: false keeps the ring only", async () => {
    const storage = createMemoryStorage();
    const rig = await rigOn(storage, { durable: false });
    await chat(rig);
    await rig.gateway.flush();
    expect(stored(storage)).toHaveLength(0);
    expect((await list(rig)).source).toBe("ring");
    expect((await list(rig)).items).toHaveLength(1);
  });

  it("refuses a flushMs that is not a positive integer", async () => {
    await expect(() => rigOn(createMemoryStorage(), { flushMs: 0 })).rejects.toThrow(/requestLog.flushMs/);
  });
});

describe("DurableLogWriter while the storage is down", () => {
  it("keeps at most maxPending records and says how many it dropped", async () => {
    const { DurableLogWriter } = await import("./durable-log.js");
    const { memoryRequestLog } = await import("../../test/support/memory-request-log.js");
    const store = memoryRequestLog();
    store.failNext = 1;
    const errors: Error[] = [];
    const writer = new DurableLogWriter(
      { store, now: Date.now, onError: (e) => errors.push(e as Error), sleep: () => new Promise(() => {}) },
      { maxPending: 3 },
    );
    const record = (n: number) => ({ ...sampleRecord, id: `req-${String(n).padStart(18, "0")}` });
    for (let n = 1; n <= 5; n++) writer.add(record(n));
    expect(writer.size).toBe(3);
    expect(writer.dropped).toBe(2);
    await writer.flush();
    expect(errors[0]?.message).toContain("2 records dropped");
    await writer.flush();
    expect(store.records.map((r) => r.id)).toEqual([record(5).id, record(4).id, record(3).id]);
  });
});

const sampleRecord: RequestRecord = {
  id: "",
  at: Date.now(),
  instance: "i-test",
  token: null,
  provider: "fake",
  surface: "chat",
  model: null,
  keyId: null,
  keyMasked: null,
  attempts: [],
  status: 200,
  ttfbMs: null,
  durationMs: 1,
  streamed: false,
  tokensIn: null,
  tokensOut: null,
  bytes: null,
  error: null,
};
