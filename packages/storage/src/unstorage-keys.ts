/**
 * The key store on an unstorage driver: one record per key at `keys:<provider>:<id>`, plus a
 * write-ahead change feed at `changes:` (unstorage-key-changes.ts). No compare-and-set is
 * needed: each key is its own record, and the feed tolerates late writes by re-reading a short
 * overlap window. Bulk writes go in chunks, each between its own pending and commit entries, so
 * a writer killed mid-bulk leaves at most one chunk pending and every reader converging.
 */
import type { AddKeysResult, KeyRecord, KeyStore } from "@keyhive/gateway";
import { mapLimit } from "./map-limit.js";
import { type PendingWrite, readChanges, writeAhead } from "./unstorage-key-changes.js";
import { checkedKeyId, type KeyStoreContext, keyPathOf } from "./unstorage-key-context.js";
import { createKeyLister } from "./unstorage-key-list.js";

export type { KeyPager, KeyStoreContext } from "./unstorage-key-context.js";

/** Ids per pending/commit pair in bulk writes: what a reader re-reads at most after a crash. */
export const KEY_WRITE_CHUNK = 500;

export function createUnstorageKeyStore(ctx: KeyStoreContext): KeyStore {
  const { store, k } = ctx;
  const keyPath = (id: string) => keyPathOf(ctx, id);
  const write = (record: KeyRecord) => store.setItem(keyPath(record.id), record, ctx.writeOptions?.(record) ?? {});
  const lister = createKeyLister(ctx);
  /** Runs a write between its feed entries; the local listing snapshot goes first. */
  const logged = <T>(ids: string[], run: (pending: PendingWrite) => Promise<T>) => {
    if (ids.length > 0) lister.forget();
    return writeAhead(ctx, ids, run);
  };

  return {
    async get(id) {
      return (await store.getItem<KeyRecord>(keyPath(checkedKeyId(id)))) ?? null;
    },
    async getMany(ids) {
      const paths = ids.map((id) => keyPath(checkedKeyId(id)));
      const found = new Map((await store.getItems(paths)).map((e) => [e.key, e.value as KeyRecord | null]));
      return paths.map((path) => found.get(path) ?? null);
    },
    async add(records) {
      for (const record of records) checkedKeyId(record.id);
      const result: AddKeysResult = { added: [], duplicates: [] };
      const unique = new Map<string, KeyRecord>();
      for (const record of records) {
        if (unique.has(record.id)) result.duplicates.push(record.id);
        else unique.set(record.id, record);
      }
      for (const chunk of chunks([...unique.values()])) {
        const exists = await mapLimit(chunk, ctx.concurrency, (r) => store.hasItem(keyPath(r.id)));
        const fresh = chunk.filter((_, i) => !exists[i]);
        result.duplicates.push(...chunk.filter((_, i) => exists[i]).map((r) => r.id));
        const ids = fresh.map((r) => r.id);
        await logged(ids, (pending) => mapLimit(fresh, ctx.concurrency, (r) => pending.renew().then(() => write(r))));
        result.added.push(...ids);
      }
      return result;
    },
    async put(record) {
      checkedKeyId(record.id);
      await logged([record.id], () => write(record));
    },
    async patch(id, patch) {
      const current = await store.getItem<KeyRecord>(keyPath(checkedKeyId(id)));
      if (!current) return null;
      // `undefined` in a patch means "clear the field"; JSON drops it, which clears it.
      const next: KeyRecord = { ...current, ...patch };
      await logged([id], () => write(next));
      return next;
    },
    async delete(ids) {
      for (const id of ids) checkedKeyId(id);
      let existed = 0;
      for (const chunk of chunks([...new Set(ids)])) {
        const exists = await mapLimit(chunk, ctx.concurrency, (id) => store.hasItem(keyPath(id)));
        const stored = chunk.filter((_, i) => exists[i]);
        await logged(stored, (pending) =>
          mapLimit(stored, ctx.concurrency, (id) => pending.renew().then(() => store.removeItem(keyPath(id)))),
        );
        existed += stored.length;
      }
      return existed;
    },
    list: (query) => lister.list(query),
    async count(provider) {
      return (await store.getKeys(provider ? k("keys", provider) : k("keys"))).length;
    },
    async changes(cursor) {
      const changes = await readChanges(ctx, cursor);
      // Another instance wrote: the listing snapshot may miss it, so the next list scans again.
      if (changes.ids.length > 0 || !changes.complete) lister.forget();
      return changes;
    },
  };
}

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += KEY_WRITE_CHUNK) out.push(items.slice(i, i + KEY_WRITE_CHUNK));
  return out;
}
