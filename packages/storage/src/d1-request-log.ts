/**
 * The request log on D1: one row per request, the record as JSON beside the columns filters use
 * (`key_ids` holds the served and tried keys as ` k1 k2 `, so a key filter is one LIKE). Pages
 * are `id < cursor ORDER BY id DESC LIMIT n+1`; appends are `INSERT OR IGNORE`, so a retried
 * batch adds nothing twice.
 */
import type { RequestFilter, RequestLogStore, StoredRequest } from "@keyhive/gateway";
import type { D1Context } from "./d1-context.js";

const INSERT =
  "INSERT OR IGNORE INTO requests (id, at, instance, token_id, provider, model, key_ids, status, duration_ms, record) " +
  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

function keyIdsOf(r: StoredRequest): string {
  const ids = new Set<string>(r.attempts.map((a) => a.keyId));
  if (r.keyId !== null) ids.add(r.keyId);
  return ` ${[...ids].join(" ")} `;
}

/** The filter as a WHERE clause and its parameters. */
function whereOf(filter: RequestFilter, cursor: string | undefined): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, ...values: unknown[]) => {
    where.push(clause);
    params.push(...values);
  };
  if (cursor !== undefined) add("id < ?", cursor);
  if (filter.since !== undefined) add("at >= ?", filter.since);
  if (filter.until !== undefined) add("at < ?", filter.until);
  if (filter.token !== undefined) add("token_id = ?", filter.token);
  if (filter.provider !== undefined) add("provider = ?", filter.provider);
  if (filter.model !== undefined) add("model = ?", filter.model);
  // Key ids are record names (no space, %, _ needs escaping for LIKE).
  if (filter.key !== undefined) add("key_ids LIKE ? ESCAPE '\\'", `% ${filter.key.replace(/[\\%_]/g, "\\$&")} %`);
  if (filter.status) add("status BETWEEN ? AND ?", filter.status.min, filter.status.max);
  if (filter.failed) add("status >= 400");
  if (filter.slowMs !== undefined) add("duration_ms >= ?", filter.slowMs);
  return { sql: where.length > 0 ? `WHERE ${where.join(" AND ")}` : "", params };
}

export function createD1RequestLog({ db, init, batched }: D1Context): RequestLogStore {
  return {
    async append(records) {
      await init();
      await batched(
        records.map((r) =>
          db
            .prepare(INSERT)
            .bind(
              r.id,
              r.at,
              r.instance,
              r.token?.id ?? null,
              r.provider,
              r.model,
              keyIdsOf(r),
              r.status,
              r.durationMs,
              JSON.stringify(r),
            ),
        ),
      );
    },
    async query({ filter, limit, cursor }) {
      await init();
      const { sql, params } = whereOf(filter, cursor);
      const { results } = await db
        .prepare(`SELECT record FROM requests ${sql} ORDER BY id DESC LIMIT ?`)
        .bind(...params, limit + 1)
        .all<{ record: string }>();
      const items = results.slice(0, limit).map((row) => JSON.parse(row.record) as StoredRequest);
      return results.length > limit ? { items, next: items.at(-1)?.id } : { items };
    },
    async get(id) {
      await init();
      const row = await db.prepare("SELECT record FROM requests WHERE id = ?").bind(id).first<{ record: string }>();
      return row ? (JSON.parse(row.record) as StoredRequest) : null;
    },
    async prune({ maxRecords, before }) {
      await init();
      let removed = 0;
      if (before !== undefined)
        removed += (await db.prepare("DELETE FROM requests WHERE at < ?").bind(before).run()).meta.changes;
      if (maxRecords !== undefined) {
        const sql = "DELETE FROM requests WHERE id < (SELECT id FROM requests ORDER BY id DESC LIMIT 1 OFFSET ?)";
        removed += (
          await db
            .prepare(sql)
            .bind(Math.max(0, maxRecords - 1))
            .run()
        ).meta.changes;
      }
      return removed;
    },
  };
}
