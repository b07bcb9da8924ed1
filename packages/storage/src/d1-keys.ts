/**
 * The key store on D1: one indexed `keys` row per key, the whole record in its `record` column
 * and the fields that lists filter and sort on in their own columns. Every write and its
 * change-feed row commit together: a bulk write spans several batches (transactions), and each
 * batch carries the change row of its own rows.
 */
import { type AddKeysResult, assertRecordName, type KeyPatch, type KeyRecord, type KeyStore } from "@keyhive/gateway";
import { bulkChangeRow, changeRow, type D1KeyContext, pruneChanges, readChanges } from "./d1-key-changes.js";
import { countD1Keys, listD1Keys } from "./d1-key-list.js";

const COLUMNS = "id, provider, hash, status, balance, added_at, updated_at, next_check_at, record";
/** Ids per `DELETE … IN (…)`: D1 binds at most 100 parameters per statement. */
const DELETE_CHUNK = 90;
/** Inserts per batch in a bulk add, besides its change row (the default `batchSize` is 200). */
const INSERTS_PER_BATCH = 199;
/** `DELETE … IN (…)` statements per batch in a bulk delete (1,800 ids). */
const DELETES_PER_BATCH = 20;
/** Ids per `getMany` query; they go in as one JSON parameter, so only the size limits it. */
const GET_MANY_CHUNK = 500;

/** A record as `COLUMNS` values. */
function rowOf(r: KeyRecord): unknown[] {
  return [
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
}

export function createD1KeyStore(ctx: D1KeyContext): KeyStore {
  return {
    get: (id) => getKey(ctx, id),
    getMany: (ids) => getKeys(ctx, ids),
    add: (records) => addKeys(ctx, records),
    put: (record) => putKey(ctx, record),
    patch: (id, patch) => patchKey(ctx, id, patch),
    delete: (ids) => deleteKeys(ctx, ids),
    list: (query) => listD1Keys(ctx, query),
    count: (provider) => countD1Keys(ctx, provider),
    changes: (cursor) => readChanges(ctx, cursor),
  };
}

async function getKey(ctx: D1KeyContext, id: string): Promise<KeyRecord | null> {
  assertRecordName("key id", id);
  await ctx.init();
  const found = await ctx.db.prepare("SELECT record FROM keys WHERE id = ?").bind(id).first<{ record: string }>();
  return found ? (JSON.parse(found.record) as KeyRecord) : null;
}

/** One query per 500 ids (`id IN (SELECT value FROM json_each(?))`), in the order asked. */
async function getKeys(ctx: D1KeyContext, ids: string[]): Promise<(KeyRecord | null)[]> {
  for (const id of ids) assertRecordName("key id", id);
  await ctx.init();
  const found = new Map<string, KeyRecord>();
  for (let i = 0; i < ids.length; i += GET_MANY_CHUNK) {
    const { results } = await ctx.db
      .prepare("SELECT id, record FROM keys WHERE id IN (SELECT value FROM json_each(?))")
      .bind(JSON.stringify(ids.slice(i, i + GET_MANY_CHUNK)))
      .all<{ id: string; record: string }>();
    for (const row of results) found.set(row.id, JSON.parse(row.record) as KeyRecord);
  }
  return ids.map((id) => found.get(id) ?? null);
}

/**
 * `INSERT OR IGNORE … RETURNING id`: the unique (provider, hash) index drops duplicates. Each
 * batch starts with the change row of the ids it will add.
 */
async function addKeys(ctx: D1KeyContext, records: KeyRecord[]): Promise<AddKeysResult> {
  for (const record of records) assertRecordName("key id", record.id);
  await ctx.init();
  const insert = `INSERT OR IGNORE INTO keys (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`;
  const added: string[] = [];
  for (let i = 0; i < records.length; i += INSERTS_PER_BATCH) {
    const chunk = records.slice(i, i + INSERTS_PER_BATCH);
    const inserts = chunk.map((r) => ctx.db.prepare(insert).bind(...rowOf(r)));
    const head = [
      bulkChangeRow(
        ctx,
        "added",
        chunk.map((r) => r.id),
      ),
      ...(i === 0 ? [pruneChanges(ctx)] : []),
    ];
    const results = await ctx.db.batch([...head, ...inserts]);
    for (const res of results.slice(head.length)) added.push(...(res.results as { id: string }[]).map((x) => x.id));
  }
  const fresh = new Set(added);
  return { added, duplicates: records.filter((r) => !fresh.delete(r.id)).map((r) => r.id) };
}

async function putKey(ctx: D1KeyContext, record: KeyRecord): Promise<void> {
  assertRecordName("key id", record.id);
  await ctx.init();
  const upsert = `INSERT OR REPLACE INTO keys (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`;
  await ctx.db.batch([ctx.db.prepare(upsert).bind(...rowOf(record)), changeRow(ctx, [record.id])]);
}

async function patchKey(ctx: D1KeyContext, id: string, patch: KeyPatch): Promise<KeyRecord | null> {
  assertRecordName("key id", id);
  await ctx.init();
  // Atomic merge in SQL: clear the patched top-level fields, then set them (json_patch
  // would otherwise merge nested objects such as modelCooldowns).
  const clear = JSON.stringify(Object.fromEntries(Object.keys(patch).map((key) => [key, null])));
  const set = JSON.stringify(patch);
  const merged = "json_patch(json_patch(record, ?2), ?3)";
  const update = ctx.db
    .prepare(
      `UPDATE keys SET record = ${merged}, status = json_extract(${merged}, '$.status'),
       balance = json_extract(${merged}, '$.balance'), updated_at = json_extract(${merged}, '$.updatedAt'),
       next_check_at = json_extract(${merged}, '$.nextCheckAt') WHERE id = ?1 RETURNING record`,
    )
    .bind(id, clear, set);
  const [res] = await ctx.db.batch<{ record: string }>([update, changeRow(ctx, [id])]);
  const found = res?.results[0];
  return found ? (JSON.parse(found.record) as KeyRecord) : null;
}

async function deleteKeys(ctx: D1KeyContext, ids: string[]): Promise<number> {
  for (const id of ids) assertRecordName("key id", id);
  await ctx.init();
  const unique = [...new Set(ids)];
  const perBatch = DELETE_CHUNK * DELETES_PER_BATCH;
  let deleted = 0;
  for (let i = 0; i < unique.length; i += perBatch) {
    const group = unique.slice(i, i + perBatch);
    const deletes = [];
    for (let j = 0; j < group.length; j += DELETE_CHUNK) {
      const chunk = group.slice(j, j + DELETE_CHUNK);
      deletes.push(ctx.db.prepare(`DELETE FROM keys WHERE id IN (${chunk.map(() => "?").join(",")})`).bind(...chunk));
    }
    const head = [bulkChangeRow(ctx, "removed", group), ...(i === 0 ? [pruneChanges(ctx)] : [])];
    const results = await ctx.db.batch([...head, ...deletes]);
    deleted += results.slice(head.length).reduce((n, res) => n + res.meta.changes, 0);
  }
  return deleted;
}
