/** Tokens, settings, usage and history on D1: one row each, indexed for 7/30-day queries. */
import { assertRecordName, type HistoryEntry, type Storage, type TokenRecord, type UsageRow } from "@keyhive/gateway";
import type { D1DatabaseLike, D1StatementLike } from "./cloudflare-d1.js";
import { addCounters } from "./unstorage-records.js";

interface D1RecordsContext {
  db: D1DatabaseLike;
  init: () => Promise<unknown>;
  now: () => number;
  batched: (statements: D1StatementLike[]) => Promise<{ meta: { changes: number } }[]>;
  historyRetentionDays?: number;
}

const DAY_MS = 86_400_000;

export function createD1Records(ctx: D1RecordsContext): Omit<Storage, "specificationVersion" | "keys"> {
  const { db, init, now } = ctx;
  const retentionDays = ctx.historyRetentionDays ?? 30;
  let lastPrune = 0;
  const bump = () =>
    db
      .prepare("INSERT OR REPLACE INTO meta (name, value) VALUES ('revision', ?)")
      .bind(`${now()}-${Math.random().toString(36).slice(2)}`);

  const history: Storage["history"] = {
    async append(entries) {
      await init();
      const insert = "INSERT INTO history (at, kind, key_id, data) VALUES (?, ?, ?, ?)";
      await ctx.batched(
        entries.map((e) => db.prepare(insert).bind(e.at, e.kind, e.keyId ?? null, JSON.stringify(e.data))),
      );
      if (retentionDays > 0 && now() - lastPrune > 3_600_000) {
        lastPrune = now();
        await history.prune(now() - retentionDays * DAY_MS);
      }
    },
    async query({ since, until, kind, keyId }) {
      await init();
      const where = ["at >= ?", "at <= ?"];
      const params: unknown[] = [since, until ?? now()];
      if (kind) where.push("kind = ?") && params.push(kind);
      if (keyId) where.push("key_id = ?") && params.push(keyId);
      const sql = `SELECT at, kind, key_id, data FROM history WHERE ${where.join(" AND ")} ORDER BY at, seq`;
      const { results } = await db
        .prepare(sql)
        .bind(...params)
        .all<{ at: number; kind: HistoryEntry["kind"]; key_id: string | null; data: string }>();
      return results.map((r) => ({
        at: r.at,
        kind: r.kind,
        ...(r.key_id === null ? {} : { keyId: r.key_id }),
        data: JSON.parse(r.data) as Record<string, unknown>,
      }));
    },
    async prune(before) {
      await init();
      return (await db.prepare("DELETE FROM history WHERE at < ?").bind(before).run()).meta.changes;
    },
  };

  return {
    tokens: {
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
        await db.batch([upsert.bind(record.id, JSON.stringify(record)), bump()]);
      },
      async delete(id) {
        assertRecordName("token id", id);
        await init();
        const [res] = await db.batch([db.prepare("DELETE FROM tokens WHERE id = ?").bind(id), bump()]);
        return (res?.meta.changes ?? 0) > 0;
      },
      async list() {
        await init();
        const { results } = await db.prepare("SELECT record FROM tokens ORDER BY id").all<{ record: string }>();
        return results.map((r) => JSON.parse(r.record) as TokenRecord);
      },
    },
    settings: {
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
        await db.batch([upsert.bind(name, JSON.stringify(value)), bump()]);
      },
      async all() {
        await init();
        const { results } = await db.prepare("SELECT name, value FROM settings").all<{ name: string; value: string }>();
        return Object.fromEntries(results.map((r) => [r.name, JSON.parse(r.value)]));
      },
    },
    usage: {
      async write(instanceId, rows) {
        await init();
        const upsert = "INSERT OR REPLACE INTO usage (scope, day, id, instance, counters) VALUES (?, ?, ?, ?, ?)";
        await ctx.batched(
          rows.map((r) => db.prepare(upsert).bind(r.scope, r.day, r.id, instanceId, JSON.stringify(r.counters))),
        );
      },
      async query({ scope, id, from, to }) {
        await init();
        const sql = `SELECT day, id, counters FROM usage WHERE scope = ? AND day >= ? AND day <= ?${id ? " AND id = ?" : ""} ORDER BY day, id`;
        const params = id ? [scope, from, to, id] : [scope, from, to];
        const { results } = await db
          .prepare(sql)
          .bind(...params)
          .all<{ day: string; id: string; counters: string }>();
        const sums = new Map<string, UsageRow>();
        for (const r of results) {
          const key = `${r.day}:${r.id}`;
          const counters = { requests: 0, successes: 0, failures: {}, promptTokens: 0, completionTokens: 0 };
          const sum = sums.get(key) ?? { scope, id: r.id, day: r.day, counters };
          addCounters(sum.counters, JSON.parse(r.counters) as UsageRow["counters"]);
          sums.set(key, sum);
        }
        return [...sums.values()];
      },
    },
    history,
    async revision() {
      await init();
      return (
        (await db.prepare("SELECT value FROM meta WHERE name = 'revision'").first<{ value: string }>())?.value ?? "0"
      );
    },
  };
}
