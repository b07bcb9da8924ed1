/**
 * The D1 key change feed: each write appends a `key_changes` row of the ids it touched, and
 * other instances read the rows after their cursor (`<seq>:<read at>`). Rows older than the
 * retention are deleted on write; a cursor older than that reports `complete: false` (reload).
 */
import type { KeyChanges } from "@keyhive/gateway";
import type { D1Context, D1StatementLike } from "./d1-context.js";

export interface D1KeyContext extends D1Context {
  /** How long change rows are kept. */
  changeRetentionMs: number;
}

/** The change row for `ids`, to batch with the write it describes (one transaction). */
export function changeRow(ctx: D1KeyContext, ids: string[]): D1StatementLike {
  return ctx.db.prepare("INSERT INTO key_changes (at, ids) VALUES (?, ?)").bind(ctx.now(), JSON.stringify(ids));
}

/**
 * Records a change after a bulk write, which spans several batches so its row cannot join them;
 * expired rows go in the same batch.
 */
export async function recordChange(ctx: D1KeyContext, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const row = changeRow(ctx, ids);
  const prune = ctx.db.prepare("DELETE FROM key_changes WHERE at < ?").bind(ctx.now() - ctx.changeRetentionMs);
  await ctx.db.batch([row, prune]);
}

export async function readChanges(ctx: D1KeyContext, cursor: string | undefined): Promise<KeyChanges> {
  const { db } = ctx;
  await ctx.init();
  const at = ctx.now();
  const last = await db.prepare("SELECT COALESCE(MAX(seq), 0) AS seq FROM key_changes").first<{ seq: number }>();
  const head = (seq: number) => `${seq}:${at}`;
  if (!cursor) return { ids: [], cursor: head(last?.seq ?? 0), complete: true };
  const [seq, since] = cursor.split(":").map(Number) as [number, number];
  if (!Number.isFinite(seq) || !Number.isFinite(since) || since < at - ctx.changeRetentionMs)
    return { ids: [], cursor: head(last?.seq ?? 0), complete: false };
  const { results } = await db
    .prepare("SELECT seq, ids FROM key_changes WHERE seq > ? ORDER BY seq")
    .bind(seq)
    .all<{ seq: number; ids: string }>();
  const ids = new Set(results.flatMap((r) => JSON.parse(r.ids) as string[]));
  const top = results.at(-1)?.seq ?? seq;
  return { ids: [...ids], cursor: head(top), complete: true };
}
