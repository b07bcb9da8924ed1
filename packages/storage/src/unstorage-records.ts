/**
 * Usage shards and history batches on an unstorage driver. Both are written without
 * read-modify-write: usage is one record per (scope, day, id, instance), history one record per
 * appended batch under its UTC day, so a 7- or 30-day query lists only that many day prefixes.
 */
import type { HistoryEntry, HistoryStore, UsageRow, UsageStore } from "@keyhive/gateway";
import type { Storage as Unstorage } from "unstorage";
import { mapLimit } from "./map-limit.js";
import { addCounters, emptyCounters } from "./usage-counters.js";

interface RecordsContext {
  store: Unstorage;
  k: (...parts: string[]) => string;
  now: () => number;
  concurrency: number;
}

const DAY_MS = 86_400_000;
/** Ranges longer than this list every history record once instead of one prefix per day. */
const MAX_DAY_SCANS = 62;

export function createUnstorageUsageStore({ store, k, concurrency }: RecordsContext): UsageStore {
  return {
    async write(instanceId, rows) {
      await mapLimit(rows, concurrency, (row) =>
        store.setItem(k("usage", row.scope, row.day, row.id, instanceId), row.counters as never),
      );
    },
    async query({ scope, id, from, to }) {
      const sums = new Map<string, UsageRow>();
      const days = daysBetween(from, to);
      const paths =
        days.length > MAX_DAY_SCANS
          ? (await store.getKeys(k("usage", scope))).filter((p) => inRange(p.split(":").at(-3), from, to))
          : (await mapLimit(days, concurrency, (day) => store.getKeys(k("usage", scope, day)))).flat();
      const wanted = paths.filter((p) => !id || p.split(":").at(-2) === id);
      for (const entry of await store.getItems(wanted)) {
        const [day, rowId] = entry.key.split(":").slice(-3) as [string, string];
        const key = `${day}:${rowId}`;
        const sum = sums.get(key) ?? { scope, id: rowId, day, counters: emptyCounters() };
        addCounters(sum.counters, entry.value as UsageRow["counters"]);
        sums.set(key, sum);
      }
      return [...sums.values()].sort((a, b) => a.day.localeCompare(b.day) || a.id.localeCompare(b.id));
    },
  };
}

export function createUnstorageHistoryStore(ctx: RecordsContext & { retentionDays: number }): HistoryStore {
  const { store, k, now, concurrency } = ctx;
  let lastPrune = 0;
  const dayPrefixOf = (path: string) => path.split(":").at(-2) ?? "";

  const history: HistoryStore = {
    async append(entries) {
      const byDay = new Map<string, HistoryEntry[]>();
      for (const entry of entries) {
        const day = dayOf(entry.at);
        byDay.set(day, [...(byDay.get(day) ?? []), entry]);
      }
      for (const [day, list] of byDay) {
        await store.setItem(k("history", day, `${now()}-${Math.random().toString(36).slice(2, 10)}`), list as never);
      }
      // Retention without a scheduler: at most one prune per hour per instance.
      if (ctx.retentionDays > 0 && now() - lastPrune > 3_600_000) {
        lastPrune = now();
        await history.prune(now() - ctx.retentionDays * DAY_MS);
      }
    },
    async query({ since, until, kind, keyId }) {
      const end = until ?? now();
      const from = dayOf(since);
      const to = dayOf(end);
      const days = daysBetween(from, to);
      const paths =
        days.length > MAX_DAY_SCANS
          ? (await store.getKeys(k("history"))).filter((p) => inRange(dayPrefixOf(p), from, to))
          : (await mapLimit(days, concurrency, (day) => store.getKeys(k("history", day)))).flat();
      const out: HistoryEntry[] = [];
      for (const entry of await store.getItems(paths)) {
        for (const item of (entry.value as HistoryEntry[] | null) ?? []) {
          if (item.at < since || item.at > end) continue;
          if (kind && item.kind !== kind) continue;
          if (keyId && item.keyId !== keyId) continue;
          out.push(item);
        }
      }
      return out.sort((a, b) => a.at - b.at);
    },
    async prune(before) {
      const cutoff = dayOf(before);
      const paths = (await store.getKeys(k("history"))).filter((p) => dayPrefixOf(p) <= cutoff);
      let removed = 0;
      await mapLimit(paths, concurrency, async (path) => {
        const list = (await store.getItem<HistoryEntry[]>(path)) ?? [];
        const keep = list.filter((entry) => entry.at >= before);
        removed += list.length - keep.length;
        // Whole older days go at once; the cutoff day keeps its newer entries.
        if (keep.length === 0) await store.removeItem(path);
        else if (keep.length < list.length) await store.setItem(path, keep as never);
      });
      return removed;
    },
  };
  return history;
}

export function dayOf(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

function inRange(day: string | undefined, from: string, to: string): boolean {
  return day !== undefined && day >= from && day <= to;
}

function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end && out.length <= MAX_DAY_SCANS; t += DAY_MS)
    out.push(dayOf(t));
  return out;
}
