/**
 * The key store of the test memory storage: one Map entry per key, and a change feed of
 * numbered writes so several gateways sharing one storage converge as they do on a real store.
 */
import type { KeyChanges, KeyListQuery, KeyRecord, KeyStore } from "../../src/spec/storage.js";
import { assertRecordName } from "../../src/spec/storage.js";

/** Records cross the boundary as JSON, as on every real driver: no shared objects, `undefined` dropped. */
export const copyOf = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

interface Change {
  seq: number;
  at: number;
  ids: string[];
}

export function createMemoryKeyStore(now: () => number, changeRetentionMs: number): KeyStore {
  const records = new Map<string, KeyRecord>();
  const feed: Change[] = [];
  let seq = 0;
  const checked = (id: string) => {
    assertRecordName("key id", id);
    return id;
  };
  const recordChange = (ids: string[]) => {
    if (ids.length === 0) return;
    feed.push({ seq: ++seq, at: now(), ids: [...ids] });
    while (feed.length > 0 && (feed[0] as Change).at < now() - changeRetentionMs) feed.shift();
  };
  const cursorNow = () => JSON.stringify({ seq, at: now() });
  // One sorted id list serves every page until the set of ids changes (pools of 100,000 keys).
  let sorted: string[] | undefined;
  const sortedIds = () => {
    sorted ??= [...records.keys()].sort();
    return sorted;
  };
  const write = (record: KeyRecord) => {
    if (!records.has(record.id)) sorted = undefined;
    records.set(record.id, copyOf(record));
  };

  return {
    async get(id) {
      const record = records.get(checked(id));
      return record ? copyOf(record) : null;
    },
    async add(list) {
      for (const record of list) checked(record.id);
      const added: string[] = [];
      const duplicates: string[] = [];
      for (const record of list) {
        if (records.has(record.id)) duplicates.push(record.id);
        else {
          write(record);
          added.push(record.id);
        }
      }
      recordChange(added);
      return { added, duplicates };
    },
    async put(record) {
      checked(record.id);
      write(record);
      recordChange([record.id]);
    },
    async patch(id, patch) {
      const current = records.get(checked(id));
      if (!current) return null;
      const next = copyOf({ ...current, ...patch });
      records.set(id, next);
      recordChange([id]);
      return copyOf(next);
    },
    async delete(ids) {
      for (const id of ids) checked(id);
      let existed = 0;
      for (const id of new Set(ids)) if (records.delete(id)) existed++;
      if (existed > 0) sorted = undefined;
      recordChange(ids);
      return existed;
    },
    async list(query: KeyListQuery = {}) {
      const limit = Math.max(1, Math.min(query.limit ?? 100, 1000));
      const statuses = query.status === undefined ? undefined : new Set([query.status].flat());
      const matches = (r: KeyRecord) =>
        (!query.provider || r.provider === query.provider) && (!statuses || statuses.has(r.status));
      const ids = sortedIds();
      const items: KeyRecord[] = [];
      let more = false;
      for (let i = query.cursor === undefined ? 0 : upperBound(ids, query.cursor); i < ids.length; i++) {
        const record = records.get(ids[i] as string) as KeyRecord;
        if (!matches(record)) continue;
        if (items.length === limit) {
          more = true;
          break;
        }
        items.push(record);
      }
      return { items: items.map(copyOf), cursor: more ? items.at(-1)?.id : undefined };
    },
    async count(provider) {
      if (!provider) return records.size;
      let n = 0;
      for (const record of records.values()) if (record.provider === provider) n++;
      return n;
    },
    async changes(cursor?: string): Promise<KeyChanges> {
      if (cursor === undefined) return { ids: [], cursor: cursorNow(), complete: true };
      const state = parseCursor(cursor);
      // Older than the retained feed: the caller may have missed writes and must reload.
      if (!state || state.at < now() - changeRetentionMs) return { ids: [], cursor: cursorNow(), complete: false };
      const ids = new Set(feed.filter((c) => c.seq > state.seq).flatMap((c) => c.ids));
      return { ids: [...ids], cursor: cursorNow(), complete: true };
    },
  };
}

function parseCursor(cursor: string): { seq: number; at: number } | undefined {
  try {
    const parsed = JSON.parse(cursor) as { seq?: unknown; at?: unknown };
    return typeof parsed.seq === "number" && typeof parsed.at === "number"
      ? { seq: parsed.seq, at: parsed.at }
      : undefined;
  } catch {
    return undefined;
  }
}

/** Index of the first id greater than `cursor` in a sorted array. */
function upperBound(sorted: string[], cursor: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as string) <= cursor) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
