/**
 * The request log contract on a sorted array, for the gateway's own tests (the conformance
 * suite runs it through `memory-storage.test.ts`). `appends` counts calls, so tests can see
 * batching; `failNext` makes the next appends throw, as a storage outage would.
 */
import { matchesRequestFilter, type RequestLogStore, type StoredRequest } from "../../src/spec/request-log-store.js";

export interface MemoryRequestLog extends RequestLogStore {
  readonly records: readonly StoredRequest[];
  appends: number;
  failNext: number;
}

export function memoryRequestLog(): MemoryRequestLog {
  // Newest first, by id.
  let records: StoredRequest[] = [];
  const log: MemoryRequestLog = {
    get records() {
      return records;
    },
    appends: 0,
    failNext: 0,
    async append(batch) {
      log.appends++;
      if (log.failNext > 0) {
        log.failNext--;
        throw new Error("memory request log: append failed (failNext)");
      }
      const known = new Set(records.map((r) => r.id));
      const fresh = batch.filter((r) => !known.has(r.id)).map((r) => structuredClone(r));
      records = [...records, ...fresh].sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    },
    async query({ filter, limit, cursor }) {
      const items: StoredRequest[] = [];
      for (const record of records) {
        if (cursor !== undefined && record.id >= cursor) continue;
        if (!matchesRequestFilter(record, filter)) continue;
        if (items.length === limit) return { items, next: items.at(-1)?.id };
        items.push(structuredClone(record));
      }
      return { items };
    },
    async get(id) {
      const record = records.find((r) => r.id === id);
      return record ? structuredClone(record) : null;
    },
    async prune({ maxRecords, before }) {
      const kept = records.filter(
        (r, i) => (before === undefined || r.at >= before) && (maxRecords === undefined || i < maxRecords),
      );
      const removed = records.length - kept.length;
      records = kept;
      return removed;
    },
  };
  return log;
}
