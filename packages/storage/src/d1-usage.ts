/** Usage on D1: one row per (scope, day, id, instance), summed per (day, id) when read. */
import type { UsageRow, UsageStore } from "@keyhive/gateway";
import type { D1Context } from "./d1-context.js";
import { addCounters, emptyCounters } from "./usage-counters.js";

export function createD1UsageStore({ db, init, batched }: D1Context): UsageStore {
  return {
    async write(instanceId, rows) {
      await init();
      // Each instance replaces only its own shard: no read-modify-write across instances.
      const upsert = "INSERT OR REPLACE INTO usage (scope, day, id, instance, counters) VALUES (?, ?, ?, ?, ?)";
      await batched(
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
        const sum = sums.get(key) ?? { scope, id: r.id, day: r.day, counters: emptyCounters() };
        addCounters(sum.counters, JSON.parse(r.counters) as UsageRow["counters"]);
        sums.set(key, sum);
      }
      return [...sums.values()];
    },
  };
}
