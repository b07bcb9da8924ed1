/**
 * `@keyhive/storage/cloudflare-do`: a Durable Object coordinator over a KV or D1 storage, so every
 * isolate of a Worker sees one set of limits and one order of key changes.
 *
 * - `counters` are the object's (one round trip, atomic): token rpm and daily quotas and the
 *   login throttle hold exactly across isolates.
 * - `keys.changes` is the object's sequence-numbered feed (strong), not KV's eventual listing.
 * - Key writes go to the object first (write-ahead), then to the durable store; reads merge the
 *   object's record of recently changed keys over the durable one, so a key that died in one
 *   isolate is dead in every isolate at its next sync while KV still serves the old record.
 * - `revision()` combines the object's revision (bumped on token and setting writes) with the
 *   durable store's.
 *
 * KV or D1 remain the durable record; the object keeps changed records for 10 minutes.
 */
import type { CounterStore, KeyRecord, KeyStore, SettingsStore, Storage, TokenStore } from "@keyhive/gateway";
import { pickNewer } from "./do-coordinator.js";
import {
  type CoordinatorCall,
  coordinatorClient,
  type DurableObjectNamespaceLike,
  type OverlayEntry,
} from "./do-protocol.js";

export { type DurableObjectStateLike, type DurableObjectStorageLike, KeyhiveCoordinator } from "./do-coordinator.js";
export type { DurableObjectNamespaceLike } from "./do-protocol.js";

export interface CoordinatorOptions {
  /** The Durable Object namespace binding of the `KeyhiveCoordinator` class. */
  namespace: DurableObjectNamespaceLike;
  /**
   * The object's name: one object serves every provider and token.
   * @default "keyhive"
   */
  name?: string;
  /**
   * Where to create the object the first time (`"weur"`, `"enam"`, `"apac"`, …). A hint only;
   * it has no effect once the object exists.
   */
  locationHint?: string;
  /** Keeps the object and its data inside a jurisdiction (`"eu"`, `"fedramp"`). */
  jurisdiction?: string;
}

/**
 * @example
 * storage: (env) => withCoordinator(createKVStorage({ binding: env.KEYHIVE_KV }), {
 *   namespace: env.KEYHIVE_COORDINATOR, locationHint: "weur",
 * })
 */
export function withCoordinator(storage: Storage, options: CoordinatorOptions): Storage {
  const call = coordinatorClient(options);
  const counters: CounterStore = {
    increment: (name, amount, { ttlMs, limit }) => call({ op: "increment", name, amount, ttlMs, limit }),
    get: (name) => call({ op: "get", name }),
  };
  const tokens: TokenStore = {
    ...storage.tokens,
    put: async (record) => bumpAfter(call, () => storage.tokens.put(record)),
    delete: async (id) => bumpAfter(call, () => storage.tokens.delete(id)),
  };
  const settings: SettingsStore = {
    ...storage.settings,
    set: async (name, value) => bumpAfter(call, () => storage.settings.set(name, value)),
    ...(storage.settings.delete
      ? { delete: async (name: string) => bumpAfter(call, () => storage.settings.delete?.(name) ?? Promise.resolve()) }
      : {}),
  };
  return {
    specificationVersion: storage.specificationVersion,
    keys: coordinatedKeys(storage.keys, call),
    tokens,
    settings,
    usage: storage.usage,
    history: storage.history,
    // Written in batches by each isolate; the durable store's own semantics suffice (no overlay).
    ...(storage.requestLog ? { requestLog: storage.requestLog } : {}),
    revision: async () => {
      const [own, durable] = await Promise.all([call<number>({ op: "revision" }), storage.revision()]);
      // The durable part changes once KV has propagated, so a stale first read is read again.
      return `${own}.${durable}`;
    },
    counters,
    close: storage.close ? () => storage.close?.() ?? Promise.resolve() : undefined,
  };
}

async function bumpAfter<T>(call: CoordinatorCall, write: () => Promise<T>): Promise<T> {
  const result = await write();
  await call({ op: "bump" });
  return result;
}

function coordinatedKeys(inner: KeyStore, call: CoordinatorCall): KeyStore {
  const overlay = (ids: string[]): Promise<Record<string, OverlayEntry>> =>
    ids.length ? call({ op: "overlay", ids }) : Promise.resolve({});
  // The overlay first: every write goes through the object, so a recently changed key's record
  // there is the newest, and only the others are read from the durable store. After a bulk add
  // that is no durable read at all (10,000 KV reads would exceed a Worker's subrequest limit).
  const readMany = async (ids: string[]) => {
    const entries = await overlay(ids);
    const rest = ids.filter((id) => !entries[id]);
    const durable =
      rest.length === 0
        ? []
        : inner.getMany
          ? await inner.getMany(rest)
          : await Promise.all(rest.map((id) => inner.get(id)));
    const fromDurable = new Map(rest.map((id, i) => [id, durable[i] ?? null]));
    return ids.map((id) => {
      const entry = entries[id];
      return entry ? pickNewer(entry, null) : (fromDurable.get(id) ?? null);
    });
  };
  return {
    get: async (id) => (await readMany([id]))[0] ?? null,
    getMany: readMany,
    add: async (records) => {
      // Announced first, so a crash after the durable write is still in every reader's feed.
      await call({ op: "write", touched: records.map((r) => r.id) });
      const result = await inner.add(records);
      const added = new Set(result.added);
      const fresh = records.filter((r) => added.has(r.id));
      if (fresh.length) await call({ op: "write", records: fresh });
      return result;
    },
    put: async (record) => {
      await call({ op: "write", records: [record] });
      await inner.put(record);
    },
    patch: async (id, patch) => {
      const base = await inner.get(id);
      const merged = await call<KeyRecord | null>({ op: "patch", id, patch, base });
      if (merged) await inner.put(merged);
      return merged;
    },
    delete: async (ids) => {
      // As for adds: announced first (readers re-read these ids from the durable store until the
      // tombstones land), tombstones only once the durable delete is done — so a crash in between
      // leaves every reader on what the durable store holds, never on keys it still has but hides.
      await call({ op: "write", touched: ids });
      const deleted = await inner.delete(ids);
      await call({ op: "write", deleted: ids });
      return deleted;
    },
    list: async (query) => {
      const page = await inner.list(query);
      const entries = await overlay(page.items.map((r) => r.id));
      const items = page.items
        .map((r) => pickNewer(entries[r.id], r))
        .filter((r): r is KeyRecord => r !== null && matchesStatus(r, query?.status));
      return { ...page, items };
    },
    count: (provider) => inner.count(provider),
    changes: (cursor) => call({ op: "changes", cursor }),
  };
}

function matchesStatus(record: KeyRecord, status: KeyRecord["status"] | KeyRecord["status"][] | undefined) {
  if (status === undefined) return true;
  return Array.isArray(status) ? status.includes(record.status) : record.status === status;
}
