/**
 * Storage conformance: the durable request log (`Storage.requestLog`). Batches from two
 * instances interleave in time; queries must come back newest first across them, every filter
 * must narrow, cursor paging must yield each record once, retries must not duplicate, and
 * retention must keep the store bounded.
 */
import { describe, expect, it } from "vitest";
import type { RequestFilter, RequestLogStore, StoredRequest } from "../spec/request-log-store.js";
import type { StorageSuite } from "./storage-case-support.js";

const BASE = Date.UTC(2026, 10, 1, 12);

/** A record finishing at `BASE + n` ms on instance `tag` (a 4-char id tag, like the gateway's). */
export function requestRecordAt(n: number, tag: string, extra: Partial<StoredRequest> = {}): StoredRequest {
  const finished = BASE + n;
  const id = `req-${finished.toString(36).padStart(9, "0")}${"0".repeat(5)}${tag}`;
  const failed = n % 7 === 0;
  return {
    id,
    at: finished - 40,
    instance: `i-${tag}`,
    token: { id: `tok-${n % 3}`, name: `token ${n % 3}` },
    provider: n % 2 === 0 ? "alpha" : "beta",
    surface: "chat",
    model: `model-${n % 4}`,
    keyId: `key-${n % 5}`,
    keyMasked: "sk-abc…wxyz",
    attempts: [
      ...(failed
        ? [{ keyId: "key-dead", keyMasked: "sk-dea…dead", failure: "key_invalid" as const, status: 401, ms: 3 }]
        : []),
      { keyId: `key-${n % 5}`, keyMasked: "sk-abc…wxyz", ms: 30 },
    ],
    status: failed ? 502 : n % 11 === 0 ? 429 : 200,
    ttfbMs: 20,
    durationMs: n % 10 === 0 ? 5000 : 40,
    streamed: n % 2 === 1,
    tokensIn: 10,
    tokensOut: 5,
    bytes: 100,
    error: failed ? "upstream failed" : null,
    ...extra,
  };
}

/** 60 records: instance aaaa ends on even ms, bbbb on odd, appended as interleaving batches. */
async function seed(log: RequestLogStore): Promise<StoredRequest[]> {
  const all = Array.from({ length: 60 }, (_, n) => requestRecordAt(n, n % 2 === 0 ? "aaaa" : "bbbb"));
  for (let start = 0; start < 60; start += 20) {
    const window = all.slice(start, start + 20);
    await log.append(window.filter((r) => r.instance === "i-aaaa"));
    await log.append(window.filter((r) => r.instance === "i-bbbb"));
  }
  return [...all].sort((a, b) => (a.id < b.id ? 1 : -1));
}

async function pages(log: RequestLogStore, filter: RequestFilter, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 200; guard++) {
    const page = await log.query({ filter, limit, cursor });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    ids.push(...page.items.map((r) => r.id));
    if (!page.next) return ids;
    cursor = page.next;
  }
  throw new Error("paging did not end");
}

export function requestLogTests({ open }: StorageSuite): void {
  const logOf = async () => {
    const storage = await open();
    expect(storage.requestLog, "this storage has no requestLog").toBeDefined();
    return storage.requestLog as RequestLogStore;
  };

  describe("request log", () => {
    it("answers an empty page when empty, and null for an unknown id", async () => {
      const log = await logOf();
      expect(await log.query({ filter: {}, limit: 10 })).toEqual({ items: [] });
      expect(await log.get("req-000000000000000000")).toBeNull();
    });

    it("merges two instances' batches newest first; cursor pages hold each record once", async () => {
      const log = await logOf();
      const expected = (await seed(log)).map((r) => r.id);
      expect((await log.query({ filter: {}, limit: 1000 })).items.map((r) => r.id)).toEqual(expected);
      for (const limit of [1, 3, 1000]) expect(await pages(log, {}, limit)).toEqual(expected);
      const one = expected[17] as string;
      expect((await log.get(one))?.id).toBe(one);
    });

    it("narrows by every filter, alone and combined", async () => {
      const log = await logOf();
      const all = await seed(log);
      const cases: RequestFilter[] = [
        { since: BASE + 10 },
        { until: BASE + 10 },
        { since: BASE + 5, until: BASE + 25 },
        { token: "tok-1" },
        { provider: "beta" },
        { model: "model-2" },
        { key: "key-dead" },
        { key: "key-3" },
        { status: { min: 429, max: 429 } },
        { status: { min: 500, max: 599 } },
        { failed: true },
        { slowMs: 1000 },
        { token: "tok-2", failed: true, provider: "alpha" },
        { model: "model-9" },
      ];
      for (const filter of cases) {
        const wanted = all.filter((r) => matches(r, filter)).map((r) => r.id);
        expect(await pages(log, filter, 4), JSON.stringify(filter)).toEqual(wanted);
      }
    });
  });
  retentionTests(logOf);
}

function retentionTests(logOf: () => Promise<RequestLogStore>): void {
  describe("request log: retries and retention", () => {
    it("does not duplicate a batch appended twice (a retry)", async () => {
      const log = await logOf();
      const batch = [requestRecordAt(1, "cccc"), requestRecordAt(2, "cccc")];
      await log.append(batch);
      await log.append(batch);
      expect((await log.query({ filter: {}, limit: 10 })).items.map((r) => r.id)).toEqual([batch[1]?.id, batch[0]?.id]);
    });

    it("prunes by age: older records go, newer stay", async () => {
      const log = await logOf();
      const all = await seed(log);
      const cutoff = BASE + 30 - 40; // records finishing before BASE + 30 arrived before the cutoff
      const removed = await log.prune({ before: cutoff });
      const left = (await log.query({ filter: {}, limit: 1000 })).items;
      expect(removed).toBe(all.length - left.length);
      expect(left.every((r) => r.at >= cutoff)).toBe(true);
      expect(left.map((r) => r.id)).toEqual(all.filter((r) => r.at >= cutoff).map((r) => r.id));
    });

    it("prunes by count: at most maxRecords plus one batch stay, the newest all present", async () => {
      const log = await logOf();
      const all: StoredRequest[] = [];
      for (let b = 0; b < 30; b++) {
        const batch = Array.from({ length: 50 }, (_, i) => requestRecordAt(1000 + b * 50 + i, "dddd"));
        all.push(...batch);
        await log.append(batch);
      }
      await log.prune({ maxRecords: 500 });
      const left = (await log.query({ filter: {}, limit: 1000 })).items.map((r) => r.id);
      expect(left.length).toBeGreaterThanOrEqual(500);
      expect(left.length).toBeLessThanOrEqual(550);
      const newest = all
        .map((r) => r.id)
        .sort()
        .reverse()
        .slice(0, 500);
      expect(left.slice(0, 500)).toEqual(newest);
    });
  });
}

function matches(r: StoredRequest, f: RequestFilter): boolean {
  if (f.since !== undefined && r.at < f.since) return false;
  if (f.until !== undefined && r.at >= f.until) return false;
  if (f.token !== undefined && r.token?.id !== f.token) return false;
  if (f.provider !== undefined && r.provider !== f.provider) return false;
  if (f.model !== undefined && r.model !== f.model) return false;
  if (f.key !== undefined && r.keyId !== f.key && !r.attempts.some((a) => a.keyId === f.key)) return false;
  if (f.status && (r.status < f.status.min || r.status > f.status.max)) return false;
  if (f.failed && r.status < 400) return false;
  if (f.slowMs !== undefined && r.durationMs < f.slowMs) return false;
  return true;
}
