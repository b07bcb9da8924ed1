/** Key listing and counting on D1: index range scans (`keys_provider_status_id` and friends). */
import type { KeyListQuery, KeyRecord, Page } from "@keyhive/gateway";
import type { D1Context } from "./d1-context.js";

export async function listD1Keys(ctx: D1Context, query: KeyListQuery = {}): Promise<Page<KeyRecord>> {
  await ctx.init();
  const limit = Math.max(1, Math.min(query.limit ?? 100, 1000));
  const where = ["id > ?"];
  const params: unknown[] = [query.cursor ?? ""];
  if (query.provider) where.push("provider = ?") && params.push(query.provider);
  const statuses = query.status === undefined ? [] : [query.status].flat();
  if (statuses.length) where.push(`status IN (${statuses.map(() => "?").join(",")})`) && params.push(...statuses);
  const sql = `SELECT id, record FROM keys WHERE ${where.join(" AND ")} ORDER BY id LIMIT ?`;
  // One row more than the page tells whether another page follows.
  const { results } = await ctx.db
    .prepare(sql)
    .bind(...params, limit + 1)
    .all<{ id: string; record: string }>();
  const page = results.slice(0, limit);
  return {
    items: page.map((r) => JSON.parse(r.record) as KeyRecord),
    cursor: results.length > limit ? page[page.length - 1]?.id : undefined,
  };
}

export async function countD1Keys(ctx: D1Context, provider?: string): Promise<number> {
  await ctx.init();
  const stmt = provider
    ? ctx.db.prepare("SELECT COUNT(*) AS n FROM keys WHERE provider = ?").bind(provider)
    : ctx.db.prepare("SELECT COUNT(*) AS n FROM keys");
  return (await stmt.first<{ n: number }>())?.n ?? 0;
}
