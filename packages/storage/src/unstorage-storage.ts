/**
 * The Storage contract on any unstorage driver. Layout (under an optional base prefix):
 *
 *   keys:<provider>:<id>          one record per key (see unstorage-keys.ts)
 *   changes:<ts>-<rand>           ids written together, for other instances' change feeds
 *   tokens:<id>                   client tokens (hashes only)
 *   settings:<name>               one record per setting
 *   meta:revision                 changes whenever tokens or settings change
 *   usage:<scope>:<day>:<id>:<instance>   per-instance usage shards (no read-modify-write)
 *   history:<day>:<ts>-<rand>     batches of history entries, pruned by day
 *   requestlog:batch:<max>_<min>_<n>  request log batches and their indexes (unstorage-request-log.ts)
 *
 * Ids and setting names are checked against the contract's record-name rule before any driver
 * call, so no name can reach another record's path (`..`, `:`, `/`, NUL, `?`).
 *
 * unstorage offers no compare-and-set, so correctness never depends on it: every key is its own
 * record, usage is sharded per instance, and the change feed tolerates late writes.
 */
import {
  assertRecordName,
  type CounterStore,
  type Storage as KeyhiveStorage,
  type SettingsStore,
  type TokenRecord,
  type TokenStore,
} from "@keyhive/gateway";
import type { Storage as Unstorage } from "unstorage";
import { createUnstorageKeyStore, type KeyPager, type KeyStoreContext } from "./unstorage-keys.js";
import { createUnstorageHistoryStore, createUnstorageUsageStore } from "./unstorage-records.js";
import { createUnstorageRequestLog } from "./unstorage-request-log.js";

export interface UnstorageStorageOptions {
  /** Prefix for every record, so several deployments can share one store. @default "keyhive" */
  base?: string;
  /** How long change-feed entries are kept; an instance offline longer reloads everything. @default 600000 */
  changeRetentionMs?: number;
  /** Parallel driver operations in bulk calls (KV and Redis are network round-trips). @default 16 */
  concurrency?: number;
  /**
   * How long one sorted listing of key ids serves consecutive `keys.list` pages (local writes
   * drop it at once). Avoids one full scan per page on big pools. @default 5000
   */
  listSnapshotMs?: number;
  /** History older than this many days is pruned automatically (at most hourly, on append). @default 30 */
  historyRetentionDays?: number;
  /** Clock, for tests. @default Date.now */
  now?: () => number;
}

/**
 * Hooks for drivers with more than unstorage's common ground: native paging or per-record
 * metadata (Cloudflare KV), atomic counters and change notification (Redis).
 */
export interface UnstorageStorageHooks {
  pager?: KeyPager;
  writeOptions?: KeyStoreContext["writeOptions"];
  counters?: CounterStore;
  /** Tells other instances something changed (called after every key, token or setting write). */
  notify?: () => Promise<void>;
  watch?: KeyhiveStorage["watch"];
}

export function createUnstorageStorage(
  store: Unstorage,
  options: UnstorageStorageOptions = {},
  hooks: UnstorageStorageHooks = {},
): KeyhiveStorage {
  const base = options.base ?? "keyhive";
  const now = options.now ?? Date.now;
  const concurrency = options.concurrency ?? 16;
  const k = (...parts: string[]) => [base, ...parts].filter(Boolean).join(":");
  const notify = hooks.notify ?? (async () => {});
  const bumpRevision = async () => {
    await store.setItem(k("meta", "revision"), `${now()}-${Math.random().toString(36).slice(2)}`);
    await notify();
  };
  const tokens = tokenStoreOf(store, k, bumpRevision);
  const settings = settingsStoreOf(store, k, bumpRevision);

  const records = { store, k, now, concurrency };
  const { counters, watch, pager, writeOptions } = hooks;
  return {
    specificationVersion: "v1",
    keys: createUnstorageKeyStore({
      ...records,
      changeRetentionMs: options.changeRetentionMs ?? 600_000,
      listSnapshotMs: options.listSnapshotMs ?? 5000,
      pager,
      writeOptions,
      notify,
    }),
    tokens,
    settings,
    usage: createUnstorageUsageStore(records),
    history: createUnstorageHistoryStore({ ...records, retentionDays: options.historyRetentionDays ?? 30 }),
    requestLog: createUnstorageRequestLog(records),
    async revision() {
      return (await store.getItem<string>(k("meta", "revision"))) ?? "0";
    },
    ...(counters ? { counters } : {}),
    ...(watch ? { watch } : {}),
    async close() {
      await store.dispose();
    },
  };
}

type PathOf = (...parts: string[]) => string;

/** Client tokens at `tokens:<id>`; every write moves the revision. */
function tokenStoreOf(store: Unstorage, k: PathOf, bumpRevision: () => Promise<void>): TokenStore {
  const token = (id: string) => {
    assertRecordName("token id", id);
    return k("tokens", id);
  };
  return {
    async get(id) {
      return (await store.getItem<TokenRecord>(token(id))) ?? null;
    },
    async put(record) {
      await store.setItem(token(record.id), record);
      await bumpRevision();
    },
    async delete(id) {
      const path = token(id);
      const existed = await store.hasItem(path);
      await store.removeItem(path);
      await bumpRevision();
      return existed;
    },
    async list() {
      const paths = await store.getKeys(k("tokens"));
      return (await store.getItems(paths)).map((e) => e.value as TokenRecord).filter(Boolean);
    },
  };
}

/** One record per setting at `settings:<name>`; every write moves the revision. */
function settingsStoreOf(store: Unstorage, k: PathOf, bumpRevision: () => Promise<void>): SettingsStore {
  const setting = (name: string) => {
    assertRecordName("setting name", name);
    return k("settings", name);
  };
  return {
    async get<T>(name: string) {
      return ((await store.getItem(setting(name))) ?? undefined) as T | undefined;
    },
    async set(name, value) {
      await store.setItem(setting(name), value as never);
      await bumpRevision();
    },
    async delete(name) {
      await store.removeItem(setting(name));
      await bumpRevision();
    },
    async all() {
      const paths = await store.getKeys(k("settings"));
      const out: Record<string, unknown> = {};
      for (const entry of await store.getItems(paths)) out[entry.key.slice(k("settings").length + 1)] = entry.value;
      return out;
    },
  };
}
