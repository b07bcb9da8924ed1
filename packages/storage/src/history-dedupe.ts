/**
 * History entries carry no id, and `history.append` adds whatever it is given: re-running an
 * import (to finish an interrupted one) would store every entry twice. This filter drops the
 * entries the target already held before the import began, counting each stored copy once, so a
 * source with two identical entries still ends with two.
 */
import type { HistoryEntry, HistoryStore } from "@keyhive/gateway";

const DAY_MS = 86_400_000;

export interface HistoryFilter {
  /** The entries of `batch` not stored yet; call it before appending the batch. */
  fresh(batch: HistoryEntry[]): Promise<HistoryEntry[]>;
}

export function createHistoryFilter(history: HistoryStore): HistoryFilter {
  // UTC day → stored entry (canonical JSON) → copies not yet matched. Each day is read once, before
  // this import writes to it, so the entries it appends itself are never mistaken for old ones.
  const stored = new Map<number, Map<string, number>>();
  const load = async (day: number) => {
    const copies = new Map<string, number>();
    for (const entry of await history.query({ since: day * DAY_MS, until: (day + 1) * DAY_MS - 1 })) {
      const key = canonical(entry);
      copies.set(key, (copies.get(key) ?? 0) + 1);
    }
    stored.set(day, copies);
  };
  return {
    async fresh(batch) {
      for (const day of new Set(batch.map((entry) => Math.floor(entry.at / DAY_MS))))
        if (!stored.has(day)) await load(day);
      return batch.filter((entry) => {
        const copies = stored.get(Math.floor(entry.at / DAY_MS)) as Map<string, number>;
        const key = canonical(entry);
        const left = copies.get(key) ?? 0;
        if (left > 0) copies.set(key, left - 1);
        return left === 0;
      });
    },
  };
}

/** JSON with sorted object keys and no `undefined` fields: drivers may store fields in any order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const fields = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${fields.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
