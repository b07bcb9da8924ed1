/**
 * Key listing on an unstorage driver, in id order across pages: through the driver's native
 * pager when it has one (KV), otherwise over a sorted listing of every id under `keys:`.
 */
import type { KeyListQuery, KeyRecord, Page } from "@keyhive/gateway";
import { type KeyPager, type KeyStoreContext, keyPathOf, lastPartOf } from "./unstorage-key-context.js";

export interface KeyLister {
  list(query?: KeyListQuery): Promise<Page<KeyRecord>>;
  /** Drops the cached id listings; called on every local write and when the feed shows others' writes. */
  forget(): void;
}

export function createKeyLister(ctx: KeyStoreContext): KeyLister {
  const { store, k, now } = ctx;
  // Listing every id costs one scan per page; consecutive pages reuse one sorted snapshot for a
  // short while. Local writes drop it, and so does a `changes` read that returns ids, so a listing
  // reflects another instance's writes as soon as this instance's feed does.
  const snapshots = new Map<string, { at: number; ids: string[] }>();
  async function listIds(provider?: string): Promise<string[]> {
    const cached = snapshots.get(provider ?? "");
    if (cached && now() - cached.at < ctx.listSnapshotMs) return cached.ids;
    const ids = (await store.getKeys(provider ? k("keys", provider) : k("keys"))).map(lastPartOf).sort();
    snapshots.set(provider ?? "", { at: now(), ids });
    return ids;
  }

  async function pageOf(query: KeyListQuery, limit: number): Promise<Page<KeyRecord>> {
    if (ctx.pager) return nativePage(ctx, ctx.pager, query, limit);
    const ids = await listIds(query.provider);
    const start = query.cursor ? upperBound(ids, query.cursor) : 0;
    const slice = ids.slice(start, start + limit);
    const items = (await store.getItems(slice.map((id) => keyPathOf(ctx, id))))
      .map((entry) => entry.value as KeyRecord | null)
      .filter((record): record is KeyRecord => record !== null && record !== undefined);
    return { items, cursor: start + limit < ids.length ? slice[slice.length - 1] : undefined };
  }

  return {
    async list(query: KeyListQuery = {}) {
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
    forget: () => snapshots.clear(),
  };
}

/** One page from the driver's pager; records the listing did not carry are read in one call. */
async function nativePage(
  { store, k }: KeyStoreContext,
  pager: KeyPager,
  query: KeyListQuery,
  limit: number,
): Promise<Page<KeyRecord>> {
  const prefix = query.provider ? k("keys", query.provider) : k("keys");
  const page = await pager.page(prefix, query.cursor, limit);
  const missing = page.entries.filter((e) => !e.record).map((e) => e.path);
  const fetched = new Map((await store.getItems(missing)).map((e) => [e.key, e.value as KeyRecord | null]));
  const items = page.entries.map((e) => e.record ?? fetched.get(e.path) ?? null);
  return { items: items.filter((r): r is KeyRecord => !!r), cursor: page.cursor };
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
