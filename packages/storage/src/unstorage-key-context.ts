/**
 * What the unstorage key store's parts share: the driver, the context the storage builds, and
 * where a key lives (`keys:<provider>:<id>`, the provider being the id up to its last `-`).
 */
import { assertRecordName, type KeyRecord } from "@keyhive/gateway";
import type { Storage as Unstorage } from "unstorage";

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
  /** Tells other instances the feed moved (Redis PUBLISH); called after each feed entry. */
  notify: () => Promise<void>;
  /** Extra driver options for a key write (KV metadata). */
  writeOptions?: (record: KeyRecord) => Record<string, unknown> | undefined;
}

export function keyPathOf(ctx: KeyStoreContext, id: string): string {
  return ctx.k("keys", id.slice(0, id.lastIndexOf("-")), id);
}

/** The last part of a path: a key id under `keys:`, an entry name under `changes:`. */
export function lastPartOf(path: string): string {
  return path.slice(path.lastIndexOf(":") + 1);
}

/** Every id a caller hands in is checked once, before the first driver call. */
export function checkedKeyId(id: string): string {
  assertRecordName("key id", id);
  return id;
}
