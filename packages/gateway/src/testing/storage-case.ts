/**
 * The Storage conformance suite. Every implementation runs it in a few lines:
 *
 *   testStorage({ name: "memory", create: ({ now }) => createMemoryStorage({ now }) });
 *
 * It imports only vitest and the gateway core, so it also runs inside workerd
 * (`@keyhive/gateway/testing/storage`).
 */
import { afterEach, describe, expect, it } from "vitest";
import { newKeyRecord } from "../pool/new-key.js";
import type { KeyRecord, Storage } from "../spec/storage.js";

export interface StorageCaseContext {
  /** The suite's clock; pass it to the storage so feed expiry and retention can be tested. */
  now: () => number;
}

export interface StorageCaseCapabilities {
  /** The factory honours `ctx.now`. Without it the clock-driven tests are skipped. @default true */
  clock?: boolean;
  /** Keys in the large-pool test. @default 100000 */
  largePoolSize?: number;
  /** Keys per `keys.add` call in the large-pool test (KV: ≤ 400 per Worker invocation). @default 1000 */
  importChunk?: number;
  /** Concurrent `keys.add` batches × keys per batch in the lost-writes test. @default [20, 500] */
  concurrentAdds?: [batches: number, size: number];
  /** Per-test timeout for the bulk tests, ms. @default 120000 */
  bulkTimeoutMs?: number;
}

export interface StorageCaseOptions {
  name: string;
  /** A fresh, empty storage for each test. */
  create: (ctx: StorageCaseContext) => Promise<Storage> | Storage;
  cleanup?: (storage: Storage) => Promise<void> | void;
  capabilities?: StorageCaseCapabilities;
}

const DAY = 86_400_000;

/** Builds `count` distinct key records for `provider` (secrets derive from `seed`). */
export async function makeKeys(provider: string, count: number, seed = "k", at = Date.now()): Promise<KeyRecord[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) => newKeyRecord({ provider, secret: `sk-${seed}-${i}-secret` }, at)),
  );
}

/** Reads every page of `keys.list`; fails on a repeated id. */
export async function listAll(storage: Storage, query: Parameters<Storage["keys"]["list"]>[0] = {}) {
  const items: KeyRecord[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await storage.keys.list({ ...query, cursor });
    items.push(...page.items);
    cursor = page.cursor;
    pages++;
  } while (cursor);
  return { items, pages };
}

export function testStorage(options: StorageCaseOptions): void {
  const caps = {
    clock: true,
    largePoolSize: 100_000,
    importChunk: 1000,
    bulkTimeoutMs: 120_000,
    ...options.capabilities,
  };
  const [batches, batchSize] = caps.concurrentAdds ?? [20, 500];
  let offset = 0;
  const now = () => Date.now() + offset;
  const opened: Storage[] = [];
  const open = async () => {
    offset = 0;
    const storage = await options.create({ now });
    opened.push(storage);
    return storage;
  };

  describe(`Storage conformance: ${options.name}`, () => {
    afterEach(async () => {
      for (const storage of opened.splice(0)) {
        await options.cleanup?.(storage);
        await storage.close?.();
      }
    });

    it("round-trips a key record with every field", async () => {
      const s = await open();
      const [base] = await makeKeys("openai", 1);
      const full: KeyRecord = {
        ...(base as KeyRecord),
        baseURL: "https://example.test/v1",
        tags: ["a", "b"],
        weight: 3,
        status: "cooling",
        cooldownUntil: now() + 1000,
        modelCooldowns: { "gpt-x": now() + 5000 },
        balance: 12.5,
        balanceDetail: { granted: 20 },
        lastError: "429 rate limited",
      };
      expect(await s.keys.add([full])).toEqual({ added: [full.id], duplicates: [] });
      expect(await s.keys.get(full.id)).toEqual(full);
      expect(await s.keys.get("openai-missing")).toBeNull();
    });

    it("adds idempotently on (provider, hash) and reports duplicates", async () => {
      const s = await open();
      const [a, b, c] = (await makeKeys("openai", 3)) as [KeyRecord, KeyRecord, KeyRecord];
      expect((await s.keys.add([a, b])).added.sort()).toEqual([a.id, b.id].sort());
      const again = await s.keys.add([{ ...b, tags: ["changed"] }, c, c]);
      expect(again.added).toEqual([c.id]);
      expect(again.duplicates.sort()).toEqual([b.id, c.id].sort());
      expect((await s.keys.get(b.id))?.tags).toEqual([]);
      expect(await s.keys.count()).toBe(3);
    });

    it("lists every key exactly once across pages, in a stable order, per provider and status", async () => {
      const s = await open();
      const openai = await makeKeys("openai", 150);
      const gemini = await makeKeys("gemini", 100);
      await s.keys.add([...openai, ...gemini]);
      const first = await listAll(s, { limit: 37 });
      expect(first.items).toHaveLength(250);
      expect(new Set(first.items.map((r) => r.id)).size).toBe(250);
      expect(first.pages).toBeGreaterThanOrEqual(7);
      expect((await listAll(s, { limit: 37 })).items.map((r) => r.id)).toEqual(first.items.map((r) => r.id));
      const onlyGemini = await listAll(s, { provider: "gemini", limit: 30 });
      expect(onlyGemini.items.map((r) => r.id).sort()).toEqual(gemini.map((r) => r.id).sort());
      const invalid = openai.slice(0, 20).map((r) => r.id);
      for (const id of invalid) await s.keys.patch(id, { status: "invalid" });
      const filtered = await listAll(s, { status: "invalid", limit: 25 });
      expect(filtered.items.map((r) => r.id).sort()).toEqual([...invalid].sort());
      expect((await listAll(s, { status: ["invalid", "disabled"], provider: "gemini" })).items).toEqual([]);
    });

    it("patches only the given fields and clears fields set to undefined", async () => {
      const s = await open();
      const [a] = (await makeKeys("openai", 1)) as [KeyRecord];
      await s.keys.add([{ ...a, tags: ["keep"], cooldownUntil: 123, modelCooldowns: { m1: 1 } }]);
      const patched = await s.keys.patch(a.id, {
        status: "invalid",
        cooldownUntil: undefined,
        modelCooldowns: { m2: 2 },
      });
      expect(patched).toMatchObject({ status: "invalid", tags: ["keep"], secret: a.secret, modelCooldowns: { m2: 2 } });
      const stored = await s.keys.get(a.id);
      expect(stored).toEqual(patched);
      expect(stored?.cooldownUntil).toBeUndefined();
      expect(stored?.modelCooldowns).toEqual({ m2: 2 });
      expect(await s.keys.patch("openai-missing", { status: "active" })).toBeNull();
    });

    it("puts whole records, deletes and counts what existed, counts per provider", async () => {
      const s = await open();
      const keys = await makeKeys("openai", 3);
      await s.keys.add([...keys, ...(await makeKeys("gemini", 2))]);
      await s.keys.put({ ...(keys[0] as KeyRecord), weight: 9 });
      expect((await s.keys.get(keys[0]?.id as string))?.weight).toBe(9);
      expect(await s.keys.count("openai")).toBe(3);
      expect(await s.keys.count("gemini")).toBe(2);
      expect(await s.keys.count("nobody")).toBe(0);
      expect(await s.keys.delete([keys[0]?.id as string, keys[1]?.id as string, "openai-missing"])).toBe(2);
      expect(await s.keys.get(keys[0]?.id as string)).toBeNull();
      expect(await s.keys.count("openai")).toBe(1);
      expect(await s.keys.count()).toBe(3);
    });

    it("reports writes made after a cursor in the change feed", async () => {
      const s = await open();
      const [a, b, c] = (await makeKeys("openai", 3)) as [KeyRecord, KeyRecord, KeyRecord];
      await s.keys.add([a, b]);
      const start = await s.keys.changes();
      expect(start.complete).toBe(true);
      await s.keys.add([c]);
      await s.keys.patch(a.id, { status: "disabled" });
      await s.keys.delete([b.id]);
      const feed = await s.keys.changes(start.cursor);
      expect(feed.complete).toBe(true);
      expect(feed.ids.sort()).toEqual([a.id, b.id, c.id].sort());
      const quiet = await s.keys.changes(feed.cursor);
      expect(quiet.ids).not.toContain(a.id);
      expect((await s.keys.changes("not a cursor")).complete).toBe(false);
    });

    it.skipIf(!caps.clock)("says complete:false for a cursor from the far past (needs ctx.now)", async () => {
      const s = await open();
      const cursor = (await s.keys.changes()).cursor;
      offset = 2 * DAY;
      await s.keys.add(await makeKeys("openai", 1));
      const late = await s.keys.changes(cursor);
      expect(late.complete).toBe(false);
      expect((await s.keys.changes(late.cursor)).complete).toBe(true);
    });

    it("stores tokens and changes the revision when tokens or settings change", async () => {
      const s = await open();
      const r0 = await s.revision();
      const token = { id: "t1", name: "ci", hash: "ab".repeat(32), hint: "kh-ab…yz", createdAt: now(), models: ["m"] };
      await s.tokens.put(token);
      const r1 = await s.revision();
      expect(r1).not.toBe(r0);
      expect(await s.tokens.get("t1")).toEqual(token);
      await s.tokens.put({ ...token, id: "t2", name: "other" });
      expect((await s.tokens.list()).map((t) => t.id).sort()).toEqual(["t1", "t2"]);
      expect(await s.tokens.delete("t1")).toBe(true);
      expect(await s.tokens.delete("t1")).toBe(false);
      expect(await s.tokens.get("t1")).toBeNull();
      const r2 = await s.revision();
      expect(r2).not.toBe(r1);
      await s.settings.set("strategy", { name: "weighted" });
      await s.settings.set("adminHash", "x");
      expect(await s.revision()).not.toBe(r2);
      expect(await s.settings.get("strategy")).toEqual({ name: "weighted" });
      expect(await s.settings.get("missing")).toBeUndefined();
      expect(await s.settings.all()).toEqual({ strategy: { name: "weighted" }, adminHash: "x" });
    });

    it("sums usage shards across instances, by day and id", async () => {
      const s = await open();
      const counters = (requests: number, failures: Record<string, number> = {}) => ({
        requests,
        successes: requests - 1,
        failures,
        promptTokens: requests * 10,
        completionTokens: requests * 2,
      });
      await s.usage.write("i1", [
        { scope: "key", id: "k1", day: "2026-01-01", counters: counters(3, { rate_limited: 1 }) },
        { scope: "key", id: "k2", day: "2026-01-02", counters: counters(2) },
      ]);
      await s.usage.write("i2", [
        { scope: "key", id: "k1", day: "2026-01-01", counters: counters(4, { rate_limited: 2 }) },
      ]);
      await s.usage.write("i1", [
        { scope: "key", id: "k1", day: "2026-01-01", counters: counters(5, { rate_limited: 1 }) },
      ]);
      const rows = await s.usage.query({ scope: "key", from: "2026-01-01", to: "2026-01-31" });
      const k1 = rows.find((r) => r.id === "k1");
      expect(k1?.counters).toEqual({
        requests: 9,
        successes: 7,
        failures: { rate_limited: 3 },
        promptTokens: 90,
        completionTokens: 18,
      });
      expect(rows).toHaveLength(2);
      expect(await s.usage.query({ scope: "key", id: "k2", from: "2026-01-01", to: "2026-01-01" })).toEqual([]);
      expect(await s.usage.query({ scope: "token", from: "2026-01-01", to: "2026-01-31" })).toEqual([]);
    });

    it("appends and queries history by kind, key and time, and prunes", async () => {
      const s = await open();
      const t = now();
      await s.history.append([
        { at: t - 20 * DAY, kind: "pool", data: { old: true } },
        { at: t - 10 * DAY, kind: "balance", keyId: "k1", data: { balance: 5 } },
        { at: t - 3 * DAY, kind: "status", keyId: "k2", data: { status: "invalid" } },
        { at: t - 1000, kind: "balance", keyId: "k2", data: { balance: 1 } },
      ]);
      const week = await s.history.query({ since: t - 7 * DAY });
      expect(week.map((e) => e.at)).toEqual([t - 3 * DAY, t - 1000]);
      expect((await s.history.query({ since: t - 30 * DAY, kind: "balance" })).map((e) => e.keyId)).toEqual([
        "k1",
        "k2",
      ]);
      expect((await s.history.query({ since: t - 30 * DAY, keyId: "k2" })).map((e) => e.kind)).toEqual([
        "status",
        "balance",
      ]);
      expect(await s.history.query({ since: t - 15 * DAY, until: t - 5 * DAY })).toEqual([
        { at: t - 10 * DAY, kind: "balance", keyId: "k1", data: { balance: 5 } },
      ]);
      expect(await s.history.prune(t - 5 * DAY)).toBe(2);
      expect((await s.history.query({ since: 0 })).map((e) => e.at)).toEqual([t - 3 * DAY, t - 1000]);
    });

    it.skipIf(!caps.clock)("drops history past the default 30-day retention on append (needs ctx.now)", async () => {
      const s = await open();
      offset = 0;
      await s.history.append([
        { at: now() - 31 * DAY, kind: "pool", data: {} },
        { at: now() - 29 * DAY, kind: "pool", data: {} },
      ]);
      expect((await s.history.query({ since: 0 })).map((e) => Math.round((now() - e.at) / DAY))).toEqual([29]);
    });

    it(
      `loses no writes: ${batches} concurrent adds of ${batchSize} distinct keys, then duplicate imports`,
      async () => {
        const s = await open();
        const all = await makeKeys("openai", batches * batchSize, "concurrent");
        const chunks = Array.from({ length: batches }, (_, i) => all.slice(i * batchSize, (i + 1) * batchSize));
        const started = Date.now();
        const results = await Promise.all(chunks.map((chunk) => s.keys.add(chunk)));
        console.log(`[${options.name}] ${batches}x${batchSize} concurrent adds: ${Date.now() - started} ms`);
        expect(results.reduce((n, r) => n + r.added.length, 0)).toBe(batches * batchSize);
        expect(await s.keys.count()).toBe(batches * batchSize);
        const listed = await listAll(s, { limit: 1000 });
        expect(new Set(listed.items.map((r) => r.id)).size).toBe(batches * batchSize);
        const dupes = await Promise.all([s.keys.add(chunks[0] ?? []), s.keys.add(chunks[0] ?? [])]);
        expect(dupes.flatMap((r) => r.added)).toEqual([]);
        expect(await s.keys.count()).toBe(batches * batchSize);
      },
      caps.bulkTimeoutMs,
    );

    it(
      `handles a large pool: import ${caps.largePoolSize} keys, list, filter and export page by page`,
      async () => {
        const s = await open();
        const n = caps.largePoolSize;
        const t0 = Date.now();
        const records = await makeKeys("openai", n, "large");
        for (let i = 0; i < n; i += 100) (records[i] as KeyRecord).status = "invalid";
        const t1 = Date.now();
        for (let i = 0; i < n; i += caps.importChunk) await s.keys.add(records.slice(i, i + caps.importChunk));
        const t2 = Date.now();
        expect(await s.keys.count("openai")).toBe(n);
        const listed = await listAll(s, { limit: 1000 });
        expect(listed.items).toHaveLength(n);
        expect(new Set(listed.items.map((r) => r.id)).size).toBe(n);
        const t3 = Date.now();
        const invalid = await listAll(s, { status: "invalid", limit: 1000 });
        expect(invalid.items).toHaveLength(Math.ceil(n / 100));
        const t4 = Date.now();
        let bytes = 0;
        let lines = 0;
        let cursor: string | undefined;
        do {
          const page = await s.keys.list({ cursor, limit: 500 });
          for (const record of page.items) bytes += JSON.stringify({ type: "key", record }).length + 1;
          lines += page.items.length;
          cursor = page.cursor;
        } while (cursor);
        expect(lines).toBe(n);
        const t5 = Date.now();
        console.log(
          `[${options.name}] ${n} keys: build ${t1 - t0} ms, import ${t2 - t1} ms (chunks of ${caps.importChunk}), ` +
            `list ${t3 - t2} ms (${listed.pages} pages), filter ${t4 - t3} ms, export ${t5 - t4} ms (${bytes} bytes)`,
        );
      },
      caps.bulkTimeoutMs,
    );
  });
}
