/**
 * The key change feed on an unstorage driver, write-ahead so a writer killed at any point
 * leaves every reader converging on what storage holds.
 *
 * A write of some ids first stores a *pending* entry `changes:<ts>-<tag>-p` naming them, then
 * the data, then a *commit* entry `changes:<ts>-<tag>` (a later ts, the same tag). Both hold a
 * plain id array, so readers of the earlier format (one entry after the data) still read them.
 *
 * A reader returns a committed entry's ids once (its cursor remembers the names in the overlap
 * window it has seen). A pending entry whose commit it has not seen is returned on every read
 * while it is inside the overlap window: its data may land after the read. If the writer dies,
 * no more of that data lands, so the re-reads end on what storage holds. Entries can land after
 * a reader passed their timestamp (clock skew, KV's eventual consistency), so the reader re-reads
 * a short overlap window.
 */
import type { KeyChanges } from "@keyhive/gateway";
import { mapLimit } from "./map-limit.js";
import { type KeyStoreContext, lastPartOf } from "./unstorage-key-context.js";

/** Change-feed entries this recent are re-read, so a write that lands late is still seen. */
const CHANGE_OVERLAP_MS = 30_000;
/**
 * A write still running this long after its pending entry writes a fresh one, so a reader keeps
 * re-reading its ids while data may still land (the overlap window is 30 s).
 */
const PENDING_RENEW_MS = 10_000;
const PENDING_SUFFIX = "-p";

/** Zero-padded, so entry names sort by time as strings. */
const pad = (n: number) => String(Math.max(0, n)).padStart(14, "0");
const isPending = (name: string) => name.endsWith(PENDING_SUFFIX);
/** The tag a pending entry shares with its commit: `<ts>-<tag>[-p]`. */
const tagOf = (name: string) => name.split("-")[1] ?? "";

/** What a data write does while its ids are pending: `renew()` between driver writes. */
export interface PendingWrite {
  /** Writes a fresh pending entry when the current one is getting old; cheap otherwise. */
  renew(): Promise<void>;
}

/**
 * Runs `write` (the data writes for `ids`) between a pending and a commit entry. A failure in
 * `write` leaves the pending entry alone: readers re-read those ids until they settle.
 */
export async function writeAhead<T>(
  ctx: KeyStoreContext,
  ids: string[],
  write: (pending: PendingWrite) => Promise<T>,
): Promise<T> {
  if (ids.length === 0) return write({ renew: async () => {} });
  const tag = Math.random().toString(36).slice(2, 10);
  let pendingAt = ctx.now();
  await putEntry(ctx, `${pad(pendingAt)}-${tag}${PENDING_SUFFIX}`, ids);
  let renewing: Promise<void> | undefined;
  const renew = async () => {
    if (ctx.now() - pendingAt < PENDING_RENEW_MS) return renewing;
    pendingAt = ctx.now();
    renewing = putEntry(ctx, `${pad(pendingAt)}-${tag}${PENDING_SUFFIX}`, ids);
    return renewing;
  };
  const result = await write({ renew });
  await putEntry(ctx, `${pad(ctx.now())}-${tag}`, ids);
  await prune(ctx);
  return result;
}

async function putEntry(ctx: KeyStoreContext, name: string, ids: string[]): Promise<void> {
  await ctx.store.setItem(ctx.k("changes", name), ids);
  await ctx.notify();
}

/** Pruning on a sample of writes keeps the feed bounded without a scheduler. */
async function prune(ctx: KeyStoreContext): Promise<void> {
  if (Math.random() >= 0.05) return;
  const { store, k } = ctx;
  const cutoff = pad(ctx.now() - ctx.changeRetentionMs - CHANGE_OVERLAP_MS);
  const old = (await store.getKeys(k("changes"))).filter((path) => lastPartOf(path) < cutoff);
  await mapLimit(old, ctx.concurrency, (path) => store.removeItem(path));
}

export async function readChanges(ctx: KeyStoreContext, cursor?: string): Promise<KeyChanges> {
  const { store, k } = ctx;
  const at = ctx.now();
  if (!cursor) return { ids: [], cursor: encodeCursor({ since: at, seen: [] }), complete: true };
  const state = decodeCursor(cursor);
  if (!state || state.since < at - ctx.changeRetentionMs)
    return { ids: [], cursor: encodeCursor({ since: at, seen: [] }), complete: false };
  const from = pad(state.since - CHANGE_OVERLAP_MS);
  const seen = new Set(state.seen);
  const names = (await store.getKeys(k("changes"))).map(lastPartOf).filter((name) => name >= from && !seen.has(name));
  // A pending entry whose commit this reader has read (now or before) is done: skip it.
  const committed = new Set([...state.seen, ...names].filter((name) => !isPending(name)).map(tagOf));
  const done = names.filter((name) => isPending(name) && committed.has(tagOf(name)));
  const toRead = names.filter((name) => !isPending(name) || !committed.has(tagOf(name))).sort();
  const ids = new Set<string>();
  for (const entry of await store.getItems(toRead.map((name) => k("changes", name)))) {
    for (const id of idsOf(entry.value)) ids.add(id);
  }
  const windowStart = pad(at - CHANGE_OVERLAP_MS);
  // Pending entries stay out of `seen`, so the next read returns their ids again.
  const keep = [...state.seen, ...done, ...toRead.filter((name) => !isPending(name))].filter(
    (name) => name >= windowStart,
  );
  return { ids: [...ids], cursor: encodeCursor({ since: at, seen: keep }), complete: true };
}

/** An entry's ids: a plain array (every format so far); anything else holds none. */
function idsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((id): id is string => typeof id === "string");
  const ids = (value as { ids?: unknown } | null)?.ids;
  return Array.isArray(ids) ? idsOf(ids) : [];
}

/** A cursor: when the reader last read, and the entry names inside the overlap window it has seen. */
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
