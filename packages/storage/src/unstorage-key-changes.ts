/**
 * The key change feed on an unstorage driver: each write stores the ids it touched at
 * `changes:<ts>-<rand>`. An entry can land after a reader has passed its timestamp (clock skew,
 * KV's eventual consistency), so a reader re-reads a short overlap window and its cursor
 * remembers the entries in that window it has already seen.
 */
import type { KeyChanges } from "@keyhive/gateway";
import { mapLimit } from "./map-limit.js";
import { type KeyStoreContext, lastPartOf } from "./unstorage-key-context.js";

/** Change-feed entries this recent are re-read, so a write that lands late is still seen. */
const CHANGE_OVERLAP_MS = 30_000;

/** Zero-padded, so entry names sort by time as strings. */
const pad = (n: number) => String(Math.max(0, n)).padStart(14, "0");

export async function appendChange(ctx: KeyStoreContext, ids: string[]): Promise<void> {
  const { store, k } = ctx;
  const at = ctx.now();
  await store.setItem(k("changes", `${pad(at)}-${Math.random().toString(36).slice(2, 10)}`), ids);
  await ctx.notify();
  // Pruning on a sample of writes keeps the feed bounded without a scheduler.
  if (Math.random() < 0.05) {
    const cutoff = pad(at - ctx.changeRetentionMs - CHANGE_OVERLAP_MS);
    const old = (await store.getKeys(k("changes"))).filter((path) => lastPartOf(path) < cutoff);
    await mapLimit(old, ctx.concurrency, (path) => store.removeItem(path));
  }
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
  const entries = (await store.getKeys(k("changes")))
    .map(lastPartOf)
    .filter((name) => name >= from && !seen.has(name))
    .sort();
  const ids = new Set<string>();
  for (const entry of await store.getItems(entries.map((name) => k("changes", name)))) {
    for (const id of (entry.value as string[] | null) ?? []) ids.add(id);
  }
  const windowStart = pad(at - CHANGE_OVERLAP_MS);
  const keep = [...state.seen, ...entries].filter((name) => name >= windowStart);
  return { ids: [...ids], cursor: encodeCursor({ since: at, seen: keep }), complete: true };
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
