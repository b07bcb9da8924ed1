/**
 * The D1 key change feed: each write appends a `key_changes` row of the ids it touched in the
 * same batch (one transaction) as the data, and other instances read the rows after their cursor
 * (`<seq>:<read at>`). A row and its data commit together, so a writer killed at any point leaves
 * no change unrecorded. Rows older than the retention are deleted on write; a cursor older than
 * that reports `complete: false` (reload).
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
 * The change row of a bulk write's batch, computed in SQL inside that batch (a transaction) so
 * it names exactly the rows the batch changes: placed before the batch's inserts, the ids not
 * stored yet (`added`); before its deletes, the ids still stored (`removed`). No row when none.
 * Every batch carries its own, so a writer killed between two batches loses no change.
 */
export function bulkChangeRow(ctx: D1KeyContext, kind: "added" | "removed", ids: string[]): D1StatementLike {
  const filter = kind === "added" ? "NOT IN" : "IN";
  return ctx.db
    .prepare(
      `INSERT INTO key_changes (at, ids) SELECT ?1, ids FROM (SELECT json_group_array(value) AS ids, COUNT(*) AS n
       FROM json_each(?2) WHERE value ${filter} (SELECT id FROM keys)) WHERE n > 0`,
    )
    .bind(ctx.now(), JSON.stringify(ids));
}

/** Deletes change rows past the retention; goes in a write's batch. */
export function pruneChanges(ctx: D1KeyContext): D1StatementLike {
  return ctx.db.prepare("DELETE FROM key_changes WHERE at < ?").bind(ctx.now() - ctx.changeRetentionMs);
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
