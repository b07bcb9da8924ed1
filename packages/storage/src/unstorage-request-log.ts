/**
 * The request log on any unstorage driver (memory, fs, Redis, KV). Layout:
 *
 *   requestlog:batch:<maxId>_<minId>_<count>   one appended batch's records (immutable)
 *   requestlog:index:<same name>               its summary for filters (request-log-batches.ts)
 *
 * No read-modify-write anywhere: an append writes two new items, so instances never overwrite
 * each other, and a retried append rewrites the same name. A query lists the batch names once,
 * walks them newest first, skips those whose index rules the filter out, and stops once the
 * page is full and no unread batch can hold a newer record. Batches never change, so parsed ones
 * are cached (bounded by records) and paging a big log reads each batch once.
 */
import {
  matchesRequestFilter,
  type RequestLogPage,
  type RequestLogQuery,
  type RequestLogRetention,
  type RequestLogStore,
  type StoredRequest,
} from "@keyhive/gateway";
import type { Storage as Unstorage } from "unstorage";
import { mapLimit } from "./map-limit.js";
import {
  type BatchIndex,
  type BatchName,
  batchNameOf,
  finishedAt,
  idBody,
  indexOf,
  mayMatch,
  newestFirstUnique,
  parseBatchName,
} from "./request-log-batches.js";

/** Batches read in parallel while walking a query (at most this many read past the page's end). */
const READ_AHEAD = 8;

export interface RequestLogContext {
  store: Unstorage;
  k: (...parts: string[]) => string;
  concurrency: number;
  /** Parsed records kept in memory across queries. @default 200000 */
  cacheRecords?: number;
}

export function createUnstorageRequestLog(ctx: RequestLogContext): RequestLogStore {
  const { store, k, concurrency } = ctx;
  const cache = new BatchCache(ctx.cacheRecords ?? 200_000);
  const batchPath = (name: string) => k("requestlog", "batch", name);
  const indexPath = (name: string) => k("requestlog", "index", name);
  const nameOf = (b: BatchName) => b.path.slice(b.path.lastIndexOf(":") + 1);

  const list = async (): Promise<BatchName[]> => {
    const names = (await store.getKeys(k("requestlog", "batch"))).map(parseBatchName);
    return names.filter((n): n is BatchName => n !== undefined).sort((a, b) => (a.max < b.max ? 1 : -1));
  };
  const recordsOf = async (batch: BatchName): Promise<StoredRequest[]> => {
    const cached = cache.records(batch.path);
    if (cached) return cached;
    const records = (await store.getItem<StoredRequest[]>(batch.path)) ?? [];
    cache.putRecords(batch.path, records);
    return records;
  };
  const indexesOf = async (batches: BatchName[]): Promise<(BatchIndex | undefined)[]> =>
    mapLimit(batches, concurrency, async (batch) => {
      const cached = cache.index(batch.path);
      if (cached) return cached;
      const index = (await store.getItem<BatchIndex>(indexPath(nameOf(batch)))) ?? undefined;
      if (index) cache.putIndex(batch.path, index);
      return index;
    });
  const remove = async (batch: BatchName) => {
    await store.removeItem(batch.path);
    await store.removeItem(indexPath(nameOf(batch)));
    cache.drop(batch.path);
  };
  const write = async (records: StoredRequest[]) => {
    const name = batchNameOf(records);
    // The index first: a batch without one is still read (as "may match"), never missed.
    await store.setItem(indexPath(name), indexOf(records) as never);
    await store.setItem(batchPath(name), records as never);
  };

  const batches: Batches = { list, recordsOf, indexesOf, remove, write, concurrency };
  return {
    async append(records) {
      if (records.length > 0) await write(records);
    },
    query: (query) => queryBatches(batches, query),
    async get(id) {
      const body = idBody(id);
      for (const batch of (await list()).filter((b) => b.min <= body && body <= b.max)) {
        const record = (await recordsOf(batch)).find((r) => r.id === id);
        if (record) return structuredClone(record);
      }
      return null;
    },
    prune: (retention) => pruneBatches(batches, retention),
  };
}

interface Batches {
  list(): Promise<BatchName[]>;
  recordsOf(batch: BatchName): Promise<StoredRequest[]>;
  indexesOf(batches: BatchName[]): Promise<(BatchIndex | undefined)[]>;
  remove(batch: BatchName): Promise<void>;
  write(records: StoredRequest[]): Promise<void>;
  concurrency: number;
}

/** Newest first across batches: stops once the page is full and no unread batch holds a newer record. */
async function queryBatches(
  { list, recordsOf, indexesOf, concurrency }: Batches,
  { filter, limit, cursor }: RequestLogQuery,
): Promise<RequestLogPage> {
  const floor = cursor ? idBody(cursor) : undefined;
  const since = filter.since;
  const candidates = (await list()).filter(
    (b) => (floor === undefined || b.min < floor) && (since === undefined || finishedAt(b.max) >= since),
  );
  let found: StoredRequest[] = [];
  let stoppedEarly = false;
  const full = (batch: BatchName) => {
    const kth = found.length >= limit ? found[limit - 1] : undefined;
    return kth !== undefined && idBody(kth.id) > batch.max;
  };
  // Indexes read a chunk at a time in parallel; the batches that may match, 8 at a time.
  for (let start = 0; start < candidates.length && !stoppedEarly; start += concurrency * 4) {
    const chunk = candidates.slice(start, start + concurrency * 4);
    const indexes = await indexesOf(chunk);
    const passing = chunk.filter((_, i) => {
      const index = indexes[i];
      return !index || mayMatch(index, filter);
    });
    for (let at = 0; at < passing.length && !stoppedEarly; at += READ_AHEAD) {
      const window = passing.slice(at, at + READ_AHEAD);
      if (full(window[0] as BatchName)) stoppedEarly = true;
      const loaded = stoppedEarly ? [] : await Promise.all(window.map(recordsOf));
      for (const [i, records] of loaded.entries()) {
        if (full(window[i] as BatchName)) {
          stoppedEarly = true;
          break;
        }
        for (const record of records) {
          if (cursor !== undefined && record.id >= cursor) continue;
          if (matchesRequestFilter(record, filter)) found.push(record);
        }
        found = newestFirstUnique(found).slice(0, limit + 1);
      }
    }
    // A chunk whose every batch was skipped may still end the walk: the next one is older.
    if (
      !stoppedEarly &&
      start + chunk.length < candidates.length &&
      full(candidates[start + chunk.length] as BatchName)
    )
      stoppedEarly = true;
  }
  const items = found.slice(0, limit).map((r) => structuredClone(r));
  const more = found.length > limit || (stoppedEarly && items.length === limit);
  return more ? { items, next: items.at(-1)?.id } : { items };
}

/** Whole batches past `maxRecords` or wholly older than `before` go; one straddling `before` is rewritten. */
async function pruneBatches(
  { list, recordsOf, indexesOf, remove, write }: Batches,
  { maxRecords, before }: RequestLogRetention,
): Promise<number> {
  let kept = 0;
  let removed = 0;
  for (const batch of await list()) {
    const past = maxRecords !== undefined && kept >= maxRecords;
    if (past || (before !== undefined && finishedAt(batch.max) < before)) {
      await remove(batch);
      removed += batch.count;
      continue;
    }
    kept += batch.count;
    if (before === undefined) continue;
    const [index] = await indexesOf([batch]);
    if (index && index.minAt >= before) continue;
    const records = await recordsOf(batch);
    const newer = records.filter((r) => r.at >= before);
    if (newer.length === records.length) continue;
    if (newer.length > 0) await write(newer);
    await remove(batch);
    removed += records.length - newer.length;
    kept -= records.length - newer.length;
  }
  return removed;
}

/** Parsed batches and indexes by path; the oldest-inserted go first past `maxRecords`. */
class BatchCache {
  private readonly batches = new Map<string, StoredRequest[]>();
  private readonly indexes = new Map<string, BatchIndex>();
  private held = 0;
  constructor(private readonly maxRecords: number) {}

  records(path: string) {
    return this.batches.get(path);
  }
  index(path: string) {
    return this.indexes.get(path);
  }
  putRecords(path: string, records: StoredRequest[]) {
    if (records.length > this.maxRecords) return;
    this.batches.set(path, records);
    this.held += records.length;
    for (const [oldest, list] of this.batches) {
      if (this.held <= this.maxRecords) break;
      this.batches.delete(oldest);
      this.held -= list.length;
    }
  }
  putIndex(path: string, index: BatchIndex) {
    this.indexes.set(path, index);
    if (this.indexes.size > 20_000) this.indexes.delete(this.indexes.keys().next().value as string);
  }
  drop(path: string) {
    const list = this.batches.get(path);
    if (list) this.held -= list.length;
    this.batches.delete(path);
    this.indexes.delete(path);
  }
}
