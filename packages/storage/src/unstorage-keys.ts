/**
 * The key store on an unstorage driver: one record per key at `keys:<provider>:<id>`, plus a
 * change feed at `changes:<ts>-<rand>`. No compare-and-set is needed: each key is its own
 * record, and the feed tolerates late writes by re-reading a short overlap window.
 */
import {
  type AddKeysResult,
  assertRecordName,
  type KeyChanges,
  type KeyListQuery,
  type KeyRecord,
  type KeyStore,
  type Page,
} from "@keyhive/gateway";
import type { Storage as Unstorage } from "unstorage";
import { mapLimit } from "./map-limit.js";

/** A native, cursor-based listing (Cloudflare KV's `list`), used instead of listing every id. */
export interface KeyPager {
  /** One page of key paths under `prefix`, in a stable order; `record` when the listing carries it. */
  page(
    prefix: string,
    cursor: string | undefined,
    limit: number,
  ): Promise<{ entries: { path: string; record?: KeyRecord }[]; cursor?: string }>;
}

export interface KeyStoreContext {
  store: Unstorage;
  /** Joins path parts under the storage's base prefix. */
  k: (...parts: string[]) => string;
  now: () => number;
  concurrency: number;
  changeRetentionMs: number;
  listSnapshotMs: number;
  pager?: KeyPager;
  /** Extra driver options for a key write (KV metadata). */
  writeOptions?: (record: KeyRecord) => Record<string, unknown> | undefined;
}

/** Change-feed entries this recent are re-read, so a write that lands late is still seen. */
const CHANGE_OVERLAP_MS = 30_000;

export function createUnstorageKeyStore(ctx: KeyStoreContext): KeyStore {
  const { store, k, now, concurrency } = ctx;
  const retention = ctx.changeRetentionMs;
  const providerOf = (id: string) => id.slice(0, id.lastIndexOf("-"));
  const keyPath = (id: string) => k("keys", providerOf(id), id);
  // Every id a caller hands in is checked once, before the first driver call.
  const checked = (id: string) => {
    assertRecordName("key id", id);
    return id;
  };
  const idOf = (path: string) => path.slice(path.lastIndexOf(":") + 1);
  const pad = (n: number) => String(Math.max(0, n)).padStart(14, "0");
  const write = (record: KeyRecord) => store.setItem(keyPath(record.id), record, ctx.writeOptions?.(record) ?? {});

  // Listing every id costs one scan per page; consecutive pages reuse one sorted snapshot for a
  // short while (local writes drop it). Keys other instances add meanwhile arrive via `changes`.
  const snapshots = new Map<string, { at: number; ids: string[] }>();
  async function listIds(provider?: string): Promise<string[]> {
    const cached = snapshots.get(provider ?? "");
    if (cached && now() - cached.at < ctx.listSnapshotMs) return cached.ids;
    const ids = (await store.getKeys(provider ? k("keys", provider) : k("keys"))).map(idOf).sort();
    snapshots.set(provider ?? "", { at: now(), ids });
    return ids;
  }

  async function recordChange(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    snapshots.clear();
    const at = now();
    await store.setItem(k("changes", `${pad(at)}-${Math.random().toString(36).slice(2, 10)}`), ids);
    // Pruning on a sample of writes keeps the feed bounded without a scheduler.
    if (Math.random() < 0.05) {
      const cutoff = pad(at - retention - CHANGE_OVERLAP_MS);
      const old = (await store.getKeys(k("changes"))).filter((path) => idOf(path) < cutoff);
      await mapLimit(old, concurrency, (path) => store.removeItem(path));
    }
  }

  async function pageOf(query: KeyListQuery, limit: number): Promise<{ items: KeyRecord[]; cursor?: string }> {
    if (ctx.pager) {
      const prefix = query.provider ? k("keys", query.provider) : k("keys");
      const page = await ctx.pager.page(prefix, query.cursor, limit);
      const missing = page.entries.filter((e) => !e.record).map((e) => e.path);
      const fetched = new Map((await store.getItems(missing)).map((e) => [e.key, e.value as KeyRecord | null]));
      const items = page.entries.map((e) => e.record ?? fetched.get(e.path) ?? null);
      return { items: items.filter((r): r is KeyRecord => !!r), cursor: page.cursor };
    }
    const ids = await listIds(query.provider);
    const start = query.cursor ? upperBound(ids, query.cursor) : 0;
    const slice = ids.slice(start, start + limit);
    const items = (await store.getItems(slice.map(keyPath)))
      .map((entry) => entry.value as KeyRecord | null)
      .filter((record): record is KeyRecord => record !== null && record !== undefined);
    return { items, cursor: start + limit < ids.length ? slice[slice.length - 1] : undefined };
  }

  return {
    async get(id) {
      return (await store.getItem<KeyRecord>(keyPath(checked(id)))) ?? null;
    },
    async add(records) {
      const result: AddKeysResult = { added: [], duplicates: [] };
      const unique = new Map<string, KeyRecord>();
      for (const record of records) checked(record.id);
      for (const record of records) {
        if (unique.has(record.id)) result.duplicates.push(record.id);
        else unique.set(record.id, record);
      }
      await mapLimit([...unique.values()], concurrency, async (record) => {
        if (await store.hasItem(keyPath(record.id))) {
          result.duplicates.push(record.id);
        } else {
          await write(record);
          result.added.push(record.id);
        }
      });
      await recordChange(result.added);
      return result;
    },
    async put(record) {
      checked(record.id);
      await write(record);
      await recordChange([record.id]);
    },
    async patch(id, patch) {
      const current = await store.getItem<KeyRecord>(keyPath(checked(id)));
      if (!current) return null;
      // `undefined` in a patch means "clear the field"; JSON drops it, which clears it.
      const next: KeyRecord = { ...current, ...patch };
      await write(next);
      await recordChange([id]);
      return next;
    },
    async delete(ids) {
      for (const id of ids) checked(id);
      let existed = 0;
      await mapLimit([...new Set(ids)], concurrency, async (id) => {
        if (await store.hasItem(keyPath(id))) {
          await store.removeItem(keyPath(id));
          existed++;
        }
      });
      await recordChange(ids);
      return existed;
    },
    async list(query: KeyListQuery = {}): Promise<Page<KeyRecord>> {
      const limit = Math.max(1, Math.min(query.limit ?? 100, 1000));
      const statuses = query.status === undefined ? undefined : new Set([query.status].flat());
      if (!statuses) return pageOf(query, limit);
      // Filtering reads whole pages and keeps the matches: a page may hold fewer than `limit`.
      const items: KeyRecord[] = [];
      let cursor = query.cursor;
      do {
        const page = await pageOf({ ...query, cursor }, limit);
        items.push(...page.items.filter((r) => statuses.has(r.status)));
        cursor = page.cursor;
      } while (cursor && items.length < limit / 2);
      return { items, cursor };
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
      const from = pad(state.since - CHANGE_OVERLAP_MS);
      const seen = new Set(state.seen);
      const entries = (await store.getKeys(k("changes")))
        .map(idOf)
        .filter((name) => name >= from && !seen.has(name))
        .sort();
      const ids = new Set<string>();
      for (const entry of await store.getItems(entries.map((name) => k("changes", name)))) {
        for (const id of (entry.value as string[] | null) ?? []) ids.add(id);
      }
      const windowStart = pad(at - CHANGE_OVERLAP_MS);
      const keep = [...state.seen, ...entries].filter((name) => name >= windowStart);
      return { ids: [...ids], cursor: encodeCursor({ since: at, seen: keep }), complete: true };
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
