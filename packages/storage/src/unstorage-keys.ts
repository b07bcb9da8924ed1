/**
 * The key store on an unstorage driver: one record per key at `keys:<provider>:<id>`, plus a
 * change feed at `changes:<ts>-<rand>` (unstorage-key-changes.ts). No compare-and-set is
 * needed: each key is its own record, and the feed tolerates late writes by re-reading a short
 * overlap window.
 */
import type { AddKeysResult, KeyRecord, KeyStore } from "@keyhive/gateway";
import { mapLimit } from "./map-limit.js";
import { appendChange, readChanges } from "./unstorage-key-changes.js";
import { checkedKeyId, type KeyStoreContext, keyPathOf } from "./unstorage-key-context.js";
import { createKeyLister } from "./unstorage-key-list.js";

export type { KeyPager, KeyStoreContext } from "./unstorage-key-context.js";

export function createUnstorageKeyStore(ctx: KeyStoreContext): KeyStore {
  const { store, k } = ctx;
  const keyPath = (id: string) => keyPathOf(ctx, id);
  const write = (record: KeyRecord) => store.setItem(keyPath(record.id), record, ctx.writeOptions?.(record) ?? {});
  const lister = createKeyLister(ctx);
  async function recordChange(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    lister.forget();
    await appendChange(ctx, ids);
  }

  return {
    async get(id) {
      return (await store.getItem<KeyRecord>(keyPath(checkedKeyId(id)))) ?? null;
    },
    async add(records) {
      const result = await addNewKeys(ctx, records, write);
      await recordChange(result.added);
      return result;
    },
    async put(record) {
      checkedKeyId(record.id);
      await write(record);
      await recordChange([record.id]);
    },
    async patch(id, patch) {
      const current = await store.getItem<KeyRecord>(keyPath(checkedKeyId(id)));
      if (!current) return null;
      // `undefined` in a patch means "clear the field"; JSON drops it, which clears it.
      const next: KeyRecord = { ...current, ...patch };
      await write(next);
      await recordChange([id]);
      return next;
    },
    async delete(ids) {
      const existed = await deleteExisting(ctx, ids);
      await recordChange(ids);
      return existed;
    },
    list: (query) => lister.list(query),
    async count(provider) {
      return (await store.getKeys(provider ? k("keys", provider) : k("keys"))).length;
    },
    changes: (cursor) => readChanges(ctx, cursor),
  };
}

/** Writes the records whose id is not stored yet; the rest (and repeats in `records`) are duplicates. */
async function addNewKeys(
  ctx: KeyStoreContext,
  records: KeyRecord[],
  write: (record: KeyRecord) => Promise<void>,
): Promise<AddKeysResult> {
  const result: AddKeysResult = { added: [], duplicates: [] };
  const unique = new Map<string, KeyRecord>();
  for (const record of records) checkedKeyId(record.id);
  for (const record of records) {
    if (unique.has(record.id)) result.duplicates.push(record.id);
    else unique.set(record.id, record);
  }
  await mapLimit([...unique.values()], ctx.concurrency, async (record) => {
    if (await ctx.store.hasItem(keyPathOf(ctx, record.id))) {
      result.duplicates.push(record.id);
    } else {
      await write(record);
      result.added.push(record.id);
    }
  });
  return result;
}

/** Removes the stored ones among `ids`; returns how many there were. */
async function deleteExisting(ctx: KeyStoreContext, ids: string[]): Promise<number> {
  for (const id of ids) checkedKeyId(id);
  let existed = 0;
  await mapLimit([...new Set(ids)], ctx.concurrency, async (id) => {
    if (await ctx.store.hasItem(keyPathOf(ctx, id))) {
      await ctx.store.removeItem(keyPathOf(ctx, id));
      existed++;
    }
  });
  return existed;
}
