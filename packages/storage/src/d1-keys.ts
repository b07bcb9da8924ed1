/**
 * The key store on D1: one indexed `keys` row per key, the whole record in its `record` column
 * and the fields that lists filter and sort on in their own columns. Every write and its
 * change-feed row commit together.
 */
import { type AddKeysResult, assertRecordName, type KeyPatch, type KeyRecord, type KeyStore } from "@keyhive/gateway";
import { changeRow, type D1KeyContext, readChanges, recordChange } from "./d1-key-changes.js";
import { countD1Keys, listD1Keys } from "./d1-key-list.js";

const COLUMNS = "id, provider, hash, status, balance, added_at, updated_at, next_check_at, record";
/** Ids per `DELETE … IN (…)`: D1 binds at most 100 parameters per statement. */
const DELETE_CHUNK = 90;

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

/** `INSERT OR IGNORE … RETURNING id`: the unique (provider, hash) index drops duplicates. */
async function addKeys(ctx: D1KeyContext, records: KeyRecord[]): Promise<AddKeysResult> {
  for (const record of records) assertRecordName("key id", record.id);
  await ctx.init();
  const insert = `INSERT OR IGNORE INTO keys (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`;
  const results = await ctx.batched(records.map((r) => ctx.db.prepare(insert).bind(...rowOf(r))));
  const added = results.flatMap((res) => (res.results as { id: string }[]).map((x) => x.id));
  const fresh = new Set(added);
  const result: AddKeysResult = { added, duplicates: records.filter((r) => !fresh.delete(r.id)).map((r) => r.id) };
  await recordChange(ctx, added);
  return result;
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
  const statements = [];
  for (let i = 0; i < unique.length; i += DELETE_CHUNK) {
    const chunk = unique.slice(i, i + DELETE_CHUNK);
    statements.push(ctx.db.prepare(`DELETE FROM keys WHERE id IN (${chunk.map(() => "?").join(",")})`).bind(...chunk));
  }
  const results = await ctx.batched(statements);
  await recordChange(ctx, unique);
  return results.reduce((n, res) => n + res.meta.changes, 0);
}
