import {
  type AddKeysResult,
  assertRecordName,
  type KeyChanges,
  type KeyPatch,
  type KeyRecord,
  type KeyStore,
  type Storage,
} from "@keyhive/gateway";
import { createD1Records } from "./d1-records.js";
import { d1MigrationStatements } from "./d1-schema.js";

export { D1_MIGRATION_SQL, d1MigrationStatements } from "./d1-schema.js";

/** The part of a Workers `D1Database` binding this storage uses. */
export interface D1DatabaseLike {
  prepare(sql: string): D1StatementLike;
  batch<T = unknown>(statements: D1StatementLike[]): Promise<{ results: T[]; meta: { changes: number } }[]>;
}

export interface D1StatementLike {
  bind(...values: unknown[]): D1StatementLike;
  all<T = Record<string, unknown>>(): Promise<{ results: T[]; meta: { changes: number } }>;
  first<T = Record<string, unknown>>(): Promise<T | null>;
  run(): Promise<{ meta: { changes: number } }>;
}

export interface D1StorageOptions {
  /** The D1 database binding, e.g. `env.KEYHIVE_DB`. */
  binding: D1DatabaseLike;
  /**
   * Apply `migrations/0001_init.sql` (idempotent `CREATE … IF NOT EXISTS`) on first use. Turn
   * off when you run `wrangler d1 migrations apply` yourself. @default true
   */
  migrate?: boolean;
  /** How long change-feed rows are kept; an instance offline longer reloads everything. @default 600000 */
  changeRetentionMs?: number;
  /** History older than this many days is pruned automatically (at most hourly, on append). @default 30 */
  historyRetentionDays?: number;
  /** Statements per D1 batch in bulk writes. @default 200 */
  batchSize?: number;
  /** Clock, for tests. @default Date.now */
  now?: () => number;
}

/**
 * Cloudflare D1 storage: a dedicated SQL schema, not a key-value emulation. Keys live in an
 * indexed `keys` table (provider, status, balance, added_at …), so listing, filtering and
 * counting 100k keys are index range scans, and writes are transactions (no lost updates).
 */
export function createD1Storage(options: D1StorageOptions): Storage {
  const db = options.binding;
  const now = options.now ?? Date.now;
  const retention = options.changeRetentionMs ?? 600_000;
  const batchSize = options.batchSize ?? 200;
  let ready: Promise<unknown> | undefined;
  const init = () => {
    if (options.migrate === false) return Promise.resolve();
    ready ??= db.batch(d1MigrationStatements().map((sql) => db.prepare(sql)));
    return ready;
  };
  const batched = async (statements: D1StatementLike[]) => {
    const out = [];
    for (let i = 0; i < statements.length; i += batchSize)
      out.push(...(await db.batch(statements.slice(i, i + batchSize))));
    return out;
  };
  const changeRow = (ids: string[]) =>
    db.prepare("INSERT INTO key_changes (at, ids) VALUES (?, ?)").bind(now(), JSON.stringify(ids));
  async function recordChange(ids: string[]) {
    if (ids.length === 0) return;
    await db.batch([changeRow(ids), db.prepare("DELETE FROM key_changes WHERE at < ?").bind(now() - retention)]);
  }
  const row = (r: KeyRecord) => [
    r.id,
    r.provider,
    r.hash,
    r.status,
    r.balance ?? null,
    r.addedAt,
    r.updatedAt,
    r.nextCheckAt ?? null,
    JSON.stringify(r),
  ];
  const COLUMNS = "id, provider, hash, status, balance, added_at, updated_at, next_check_at, record";

  const keys: KeyStore = {
    async get(id) {
      assertRecordName("key id", id);
      await init();
      const found = await db.prepare("SELECT record FROM keys WHERE id = ?").bind(id).first<{ record: string }>();
      return found ? (JSON.parse(found.record) as KeyRecord) : null;
    },
    async add(records) {
      for (const record of records) assertRecordName("key id", record.id);
      await init();
      const insert = `INSERT OR IGNORE INTO keys (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`;
      const results = await batched(records.map((r) => db.prepare(insert).bind(...row(r))));
      const added = results.flatMap((res) => (res.results as { id: string }[]).map((x) => x.id));
      const fresh = new Set(added);
      const result: AddKeysResult = { added, duplicates: records.filter((r) => !fresh.delete(r.id)).map((r) => r.id) };
      await recordChange(added);
      return result;
    },
    async put(record) {
      assertRecordName("key id", record.id);
      await init();
      const upsert = `INSERT OR REPLACE INTO keys (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`;
      await db.batch([db.prepare(upsert).bind(...row(record)), changeRow([record.id])]);
    },
    async patch(id, patch: KeyPatch) {
      assertRecordName("key id", id);
      await init();
      // Atomic merge in SQL: clear the patched top-level fields, then set them (json_patch
      // would otherwise merge nested objects such as modelCooldowns).
      const clear = JSON.stringify(Object.fromEntries(Object.keys(patch).map((key) => [key, null])));
      const set = JSON.stringify(patch);
      const merged = "json_patch(json_patch(record, ?2), ?3)";
      const update = db
        .prepare(
          `UPDATE keys SET record = ${merged}, status = json_extract(${merged}, '$.status'),
           balance = json_extract(${merged}, '$.balance'), updated_at = json_extract(${merged}, '$.updatedAt'),
           next_check_at = json_extract(${merged}, '$.nextCheckAt') WHERE id = ?1 RETURNING record`,
        )
        .bind(id, clear, set);
      const [res] = await db.batch<{ record: string }>([update, changeRow([id])]);
      const found = res?.results[0];
      return found ? (JSON.parse(found.record) as KeyRecord) : null;
    },
    async delete(ids) {
      for (const id of ids) assertRecordName("key id", id);
      await init();
      const unique = [...new Set(ids)];
      const statements = [];
      for (let i = 0; i < unique.length; i += 90) {
        const chunk = unique.slice(i, i + 90);
        statements.push(db.prepare(`DELETE FROM keys WHERE id IN (${chunk.map(() => "?").join(",")})`).bind(...chunk));
      }
      const results = await batched(statements);
      await recordChange(unique);
      return results.reduce((n, res) => n + res.meta.changes, 0);
    },
    async list(query = {}) {
      await init();
      const limit = Math.max(1, Math.min(query.limit ?? 100, 1000));
      const where = ["id > ?"];
      const params: unknown[] = [query.cursor ?? ""];
      if (query.provider) where.push("provider = ?") && params.push(query.provider);
      const statuses = query.status === undefined ? [] : [query.status].flat();
      if (statuses.length) where.push(`status IN (${statuses.map(() => "?").join(",")})`) && params.push(...statuses);
      const sql = `SELECT id, record FROM keys WHERE ${where.join(" AND ")} ORDER BY id LIMIT ?`;
      const { results } = await db
        .prepare(sql)
        .bind(...params, limit + 1)
        .all<{ id: string; record: string }>();
      const page = results.slice(0, limit);
      return {
        items: page.map((r) => JSON.parse(r.record) as KeyRecord),
        cursor: results.length > limit ? page[page.length - 1]?.id : undefined,
      };
    },
    async count(provider) {
      await init();
      const stmt = provider
        ? db.prepare("SELECT COUNT(*) AS n FROM keys WHERE provider = ?").bind(provider)
        : db.prepare("SELECT COUNT(*) AS n FROM keys");
      return (await stmt.first<{ n: number }>())?.n ?? 0;
    },
    async changes(cursor): Promise<KeyChanges> {
      await init();
      const at = now();
      const last = await db.prepare("SELECT COALESCE(MAX(seq), 0) AS seq FROM key_changes").first<{ seq: number }>();
      const head = (seq: number) => `${seq}:${at}`;
      if (!cursor) return { ids: [], cursor: head(last?.seq ?? 0), complete: true };
      const [seq, since] = cursor.split(":").map(Number) as [number, number];
      if (!Number.isFinite(seq) || !Number.isFinite(since) || since < at - retention)
        return { ids: [], cursor: head(last?.seq ?? 0), complete: false };
      const { results } = await db
        .prepare("SELECT seq, ids FROM key_changes WHERE seq > ? ORDER BY seq")
        .bind(seq)
        .all<{ seq: number; ids: string }>();
      const ids = new Set(results.flatMap((r) => JSON.parse(r.ids) as string[]));
      const top = results.at(-1)?.seq ?? seq;
      return { ids: [...ids], cursor: head(top), complete: true };
    },
  };

  return { specificationVersion: "v1", keys, ...createD1Records({ db, init, now, batched, ...options }) };
}
