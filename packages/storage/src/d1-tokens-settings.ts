/**
 * Client tokens and settings on D1, one row each, and the revision they share: every write
 * bumps `meta.revision` in the same batch, so instances that poll `revision()` reload both.
 */
import { assertRecordName, type SettingsStore, type TokenRecord, type TokenStore } from "@keyhive/gateway";
import type { D1Context, D1StatementLike } from "./d1-context.js";

/** A new revision value; random so two instances writing in the same millisecond still differ. */
function bumpRevision({ db, now }: D1Context): D1StatementLike {
  return db
    .prepare("INSERT OR REPLACE INTO meta (name, value) VALUES ('revision', ?)")
    .bind(`${now()}-${Math.random().toString(36).slice(2)}`);
}

export async function readD1Revision({ db, init }: D1Context): Promise<string> {
  await init();
  return (await db.prepare("SELECT value FROM meta WHERE name = 'revision'").first<{ value: string }>())?.value ?? "0";
}

export function createD1TokenStore(ctx: D1Context): TokenStore {
  const { db, init } = ctx;
  return {
    async get(id) {
      assertRecordName("token id", id);
      await init();
      const row = await db.prepare("SELECT record FROM tokens WHERE id = ?").bind(id).first<{ record: string }>();
      return row ? (JSON.parse(row.record) as TokenRecord) : null;
    },
    async put(record) {
      assertRecordName("token id", record.id);
      await init();
      const upsert = db.prepare("INSERT OR REPLACE INTO tokens (id, record) VALUES (?, ?)");
      await db.batch([upsert.bind(record.id, JSON.stringify(record)), bumpRevision(ctx)]);
    },
    async delete(id) {
      assertRecordName("token id", id);
      await init();
      const [res] = await db.batch([db.prepare("DELETE FROM tokens WHERE id = ?").bind(id), bumpRevision(ctx)]);
      return (res?.meta.changes ?? 0) > 0;
    },
    async list() {
      await init();
      const { results } = await db.prepare("SELECT record FROM tokens ORDER BY id").all<{ record: string }>();
      return results.map((r) => JSON.parse(r.record) as TokenRecord);
    },
  };
}

export function createD1SettingsStore(ctx: D1Context): SettingsStore {
  const { db, init } = ctx;
  return {
    async get<T>(name: string) {
      assertRecordName("setting name", name);
      await init();
      const row = await db.prepare("SELECT value FROM settings WHERE name = ?").bind(name).first<{ value: string }>();
      return row ? (JSON.parse(row.value) as T) : undefined;
    },
    async set(name, value) {
      assertRecordName("setting name", name);
      await init();
      const upsert = db.prepare("INSERT OR REPLACE INTO settings (name, value) VALUES (?, ?)");
      await db.batch([upsert.bind(name, JSON.stringify(value)), bumpRevision(ctx)]);
    },
    async delete(name) {
      assertRecordName("setting name", name);
      await init();
      await db.batch([db.prepare("DELETE FROM settings WHERE name = ?").bind(name), bumpRevision(ctx)]);
    },
    async all() {
      await init();
      const { results } = await db.prepare("SELECT name, value FROM settings").all<{ name: string; value: string }>();
      return Object.fromEntries(results.map((r) => [r.name, JSON.parse(r.value)]));
    },
  };
}
