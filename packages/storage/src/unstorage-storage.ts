/**
 * The Storage contract on any unstorage driver. Layout (under an optional base prefix):
 *
 *   keys:<provider>:<id>          one record per key
 *   changes:<ts>-<rand>           ids written together, for other instances' change feeds
 *   tokens:<id>                   client tokens (hashes only)
 *   settings:<name>               one record per setting
 *   meta:revision                 changes whenever tokens or settings change
 *   usage:<scope>:<day>:<id>:<instance>   per-instance usage shards (no read-modify-write)
 *   history:<day>:<ts>-<rand>     batches of history entries, pruned by day
 *
 * unstorage offers no compare-and-set, so correctness never depends on it: every key is its own
 * record, usage is sharded per instance, and the change feed tolerates late writes.
 */
import type {
  AddKeysResult,
  HistoryEntry,
  HistoryStore,
  KeyChanges,
  Storage as KeyhiveStorage,
  KeyListQuery,
  KeyPatch,
  KeyRecord,
  KeyStore,
  Page,
  SettingsStore,
  TokenRecord,
  TokenStore,
  UsageRow,
  UsageStore,
} from "@keyhive/gateway";
import type { Storage as Unstorage } from "unstorage";
import { mapLimit } from "./map-limit.js";

export interface UnstorageStorageOptions {
  /** Prefix for every record, so several deployments can share one store. @default "keyhive" */
  base?: string;
  /** How long change-feed entries are kept; an instance offline longer reloads everything. @default 600000 */
  changeRetentionMs?: number;
  /** Parallel driver operations in bulk calls (KV and Redis are network round-trips). @default 16 */
  concurrency?: number;
  now?: () => number;
}

/** Change-feed entries this recent are re-read, so a write that lands late is still seen. */
const CHANGE_OVERLAP_MS = 30_000;

export function createUnstorageStorage(store: Unstorage, options: UnstorageStorageOptions = {}): KeyhiveStorage {
  const base = options.base ?? "keyhive";
  const now = options.now ?? Date.now;
  const concurrency = options.concurrency ?? 16;
  const retention = options.changeRetentionMs ?? 600_000;
  const k = (...parts: string[]) => [base, ...parts].filter(Boolean).join(":");
  const providerOf = (id: string) => id.slice(0, id.lastIndexOf("-"));
  const keyPath = (id: string) => k("keys", providerOf(id), id);
  const idOf = (path: string) => path.slice(path.lastIndexOf(":") + 1);

  const bumpRevision = () => store.setItem(k("meta", "revision"), `${now()}-${Math.random().toString(36).slice(2)}`);

  async function recordChange(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const at = now();
    await store.setItem(
      k("changes", `${String(at).padStart(14, "0")}-${Math.random().toString(36).slice(2, 10)}`),
      ids,
    );
    // Pruning on a sample of writes keeps the feed bounded without a scheduler.
    if (Math.random() < 0.05) {
      const cutoff = String(at - retention).padStart(14, "0");
      const old = (await store.getKeys(k("changes"))).filter((path) => idOf(path) < cutoff);
      await mapLimit(old, concurrency, (path) => store.removeItem(path));
    }
  }

  async function listIds(provider?: string): Promise<string[]> {
    const paths = await store.getKeys(provider ? k("keys", provider) : k("keys"));
    return paths.map(idOf).sort();
  }

  const keys: KeyStore = {
    async get(id) {
      return (await store.getItem<KeyRecord>(keyPath(id))) ?? null;
    },
    async add(records) {
      const result: AddKeysResult = { added: [], duplicates: [] };
      const unique = new Map(records.map((r) => [r.id, r]));
      await mapLimit([...unique.values()], concurrency, async (record) => {
        if (await store.hasItem(keyPath(record.id))) {
          result.duplicates.push(record.id);
        } else {
          await store.setItem(keyPath(record.id), record);
          result.added.push(record.id);
        }
      });
      for (const record of records) if (unique.get(record.id) !== record) result.duplicates.push(record.id);
      await recordChange(result.added);
      return result;
    },
    async put(record) {
      await store.setItem(keyPath(record.id), record);
      await recordChange([record.id]);
    },
    async patch(id, patch: KeyPatch) {
      const current = await store.getItem<KeyRecord>(keyPath(id));
      if (!current) return null;
      const next: KeyRecord = { ...current, ...patch };
      // `undefined` in a patch means "clear the field"; JSON drops it, which clears it.
      await store.setItem(keyPath(id), next);
      await recordChange([id]);
      return next;
    },
    async delete(ids) {
      let existed = 0;
      await mapLimit(ids, concurrency, async (id) => {
        if (await store.hasItem(keyPath(id))) {
          await store.removeItem(keyPath(id));
          existed++;
        }
      });
      await recordChange(ids);
      return existed;
    },
    async list(query: KeyListQuery = {}): Promise<Page<KeyRecord>> {
      const limit = Math.max(1, Math.min(query.limit ?? 100, 5000));
      const ids = await listIds(query.provider);
      const start = query.cursor ? upperBound(ids, query.cursor) : 0;
      const slice = ids.slice(start, start + limit);
      const items = (await store.getItems(slice.map((id) => keyPath(id))))
        .map((entry) => entry.value as KeyRecord | null)
        .filter((record): record is KeyRecord => record !== null && record !== undefined);
      return { items, cursor: start + limit < ids.length ? slice[slice.length - 1] : undefined };
    },
    async count(provider) {
      return (await store.getKeys(provider ? k("keys", provider) : k("keys"))).length;
    },
    async changes(cursor?: string): Promise<KeyChanges> {
      const at = now();
      if (!cursor) return { ids: [], cursor: encodeCursor({ since: at, seen: [] }), complete: true };
      const state = decodeCursor(cursor);
      if (!state || state.since < at - retention)
        return { ids: [], cursor: encodeCursor({ since: at, seen: [] }), complete: false };
      const from = String(state.since - CHANGE_OVERLAP_MS).padStart(14, "0");
      const seen = new Set(state.seen);
      const entries = (await store.getKeys(k("changes")))
        .map(idOf)
        .filter((name) => name >= from && !seen.has(name))
        .sort();
      const ids = new Set<string>();
      for (const entry of await store.getItems(entries.map((name) => k("changes", name)))) {
        for (const id of (entry.value as string[] | null) ?? []) ids.add(id);
      }
      const windowStart = String(at - CHANGE_OVERLAP_MS).padStart(14, "0");
      const keep = [...state.seen, ...entries].filter((name) => name >= windowStart);
      return { ids: [...ids], cursor: encodeCursor({ since: at, seen: keep }), complete: true };
    },
  };

  const tokens: TokenStore = {
    async get(id) {
      return (await store.getItem<TokenRecord>(k("tokens", id))) ?? null;
    },
    async put(record) {
      await store.setItem(k("tokens", record.id), record);
      await bumpRevision();
    },
    async delete(id) {
      const existed = await store.hasItem(k("tokens", id));
      await store.removeItem(k("tokens", id));
      await bumpRevision();
      return existed;
    },
    async list() {
      const paths = await store.getKeys(k("tokens"));
      return (await store.getItems(paths)).map((e) => e.value as TokenRecord).filter(Boolean);
    },
  };

  const settings: SettingsStore = {
    async get<T>(name: string) {
      return ((await store.getItem(k("settings", name))) ?? undefined) as T | undefined;
    },
    async set(name, value) {
      await store.setItem(k("settings", name), value as never);
      await bumpRevision();
    },
    async all() {
      const paths = await store.getKeys(k("settings"));
      const out: Record<string, unknown> = {};
      for (const entry of await store.getItems(paths)) out[entry.key.slice(k("settings").length + 1)] = entry.value;
      return out;
    },
  };

  const usage: UsageStore = {
    async write(instanceId, rows) {
      await mapLimit(rows, concurrency, (row) =>
        store.setItem(k("usage", row.scope, row.day, row.id, instanceId), row.counters as never),
      );
    },
    async query({ scope, id, from, to }) {
      const sums = new Map<string, UsageRow>();
      for (const day of daysBetween(from, to)) {
        const paths = (await store.getKeys(k("usage", scope, day))).filter((p) => !id || p.split(":").at(-2) === id);
        for (const entry of await store.getItems(paths)) {
          const rowId = entry.key.split(":").at(-2) as string;
          const counters = entry.value as UsageRow["counters"];
          const key = `${day}:${rowId}`;
          const sum = sums.get(key) ?? { scope, id: rowId, day, counters: emptyCounters() };
          addCounters(sum.counters, counters);
          sums.set(key, sum);
        }
      }
      return [...sums.values()];
    },
  };

  const history: HistoryStore = {
    async append(entries) {
      const byDay = new Map<string, HistoryEntry[]>();
      for (const entry of entries) {
        const day = dayOf(entry.at);
        byDay.set(day, [...(byDay.get(day) ?? []), entry]);
      }
      for (const [day, list] of byDay) {
        await store.setItem(k("history", day, `${now()}-${Math.random().toString(36).slice(2, 10)}`), list as never);
      }
    },
    async query({ since, until, kind, keyId }) {
      const end = until ?? now();
      const out: HistoryEntry[] = [];
      for (const day of daysBetween(dayOf(since), dayOf(end))) {
        const paths = await store.getKeys(k("history", day));
        for (const entry of await store.getItems(paths)) {
          for (const item of (entry.value as HistoryEntry[] | null) ?? []) {
            if (item.at < since || item.at > end) continue;
            if (kind && item.kind !== kind) continue;
            if (keyId && item.keyId !== keyId) continue;
            out.push(item);
          }
        }
      }
      return out.sort((a, b) => a.at - b.at);
    },
    async prune(before) {
      const cutoff = dayOf(before);
      const paths = (await store.getKeys(k("history"))).filter((p) => (p.split(":").at(-2) ?? "") < cutoff);
      let removed = 0;
      for (const entry of await store.getItems(paths)) removed += ((entry.value as HistoryEntry[] | null) ?? []).length;
      await mapLimit(paths, concurrency, (path) => store.removeItem(path));
      return removed;
    },
  };

  return {
    specificationVersion: "v1",
    keys,
    tokens,
    settings,
    usage,
    history,
    async revision() {
      return (await store.getItem<string>(k("meta", "revision"))) ?? "0";
    },
    async close() {
      await store.dispose();
    },
  };
}

interface CursorState {
  since: number;
  seen: string[];
}

function encodeCursor(state: CursorState): string {
  return JSON.stringify(state);
}

function decodeCursor(cursor: string): CursorState | undefined {
  try {
    const parsed = JSON.parse(cursor) as CursorState;
    return typeof parsed.since === "number" && Array.isArray(parsed.seen) ? parsed : undefined;
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

export function dayOf(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end && out.length < 3660; t += 86_400_000) out.push(dayOf(t));
  return out;
}

function emptyCounters(): UsageRow["counters"] {
  return { requests: 0, successes: 0, failures: {}, promptTokens: 0, completionTokens: 0 };
}

function addCounters(into: UsageRow["counters"], from: UsageRow["counters"]): void {
  into.requests += from.requests;
  into.successes += from.successes;
  into.promptTokens += from.promptTokens;
  into.completionTokens += from.completionTokens;
  for (const [kind, n] of Object.entries(from.failures)) into.failures[kind] = (into.failures[kind] ?? 0) + n;
}
