/** History on D1: one row per entry, indexed by time, kind and key for 7/30-day queries. */
import type { HistoryEntry, HistoryStore } from "@keyhive/gateway";
import type { D1Context } from "./d1-context.js";

const DAY_MS = 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;

/** `retentionDays` of 0 keeps history forever. */
export function createD1HistoryStore({ db, init, now, batched }: D1Context, retentionDays: number): HistoryStore {
  let lastPrune = 0;
  const history: HistoryStore = {
    async append(entries) {
      await init();
      const insert = "INSERT INTO history (at, kind, key_id, data) VALUES (?, ?, ?, ?)";
      await batched(entries.map((e) => db.prepare(insert).bind(e.at, e.kind, e.keyId ?? null, JSON.stringify(e.data))));
      // Retention without a scheduler: at most one prune per hour per instance.
      if (retentionDays > 0 && now() - lastPrune > PRUNE_EVERY_MS) {
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
  return history;
}
