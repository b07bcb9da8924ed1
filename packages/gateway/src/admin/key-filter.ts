/**
 * Filtering, sorting and paging of keys over the pool's in-memory snapshot (which holds every
 * key), so listing never reads storage.
 */
import * as z from "zod/mini";
import type { KeyRecord, KeyStatus } from "../spec/storage.js";

export const KEY_STATUSES = ["active", "cooling", "invalid", "exhausted", "disabled"] as const;

const nonEmpty = () => z.string().check(z.minLength(1));
const search = () => z.string().check(z.minLength(1), z.maxLength(512));

export const keyFilterSchema = z.strictObject({
  provider: z.optional(nonEmpty()),
  status: z.optional(z.array(z.enum(KEY_STATUSES)).check(z.minLength(1))),
  tag: z.optional(nonEmpty()),
  minBalance: z.optional(z.number()),
  maxBalance: z.optional(z.number()),
  /** Substring of the id, the secret, a tag or the last error. */
  q: z.optional(search()),
});

export type KeyFilter = z.infer<typeof keyFilterSchema>;

export function matchesFilter(record: KeyRecord, filter: KeyFilter): boolean {
  if (filter.provider && record.provider !== filter.provider) return false;
  if (filter.status && !filter.status.includes(record.status as KeyStatus)) return false;
  if (filter.tag && !record.tags.includes(filter.tag)) return false;
  if (filter.minBalance !== undefined && !(record.balance !== undefined && record.balance >= filter.minBalance))
    return false;
  if (filter.maxBalance !== undefined && !(record.balance !== undefined && record.balance <= filter.maxBalance))
    return false;
  if (filter.q) {
    const q = filter.q.toLowerCase();
    const haystack = [record.id, record.secret, ...record.tags, record.lastError ?? ""];
    if (!haystack.some((text) => text.toLowerCase().includes(q))) return false;
  }
  return true;
}

export const SORT_FIELDS = ["balance", "addedAt", "lastCheckedAt", "lastUsedAt", "updatedAt", "status", "id"] as const;
export type SortField = (typeof SORT_FIELDS)[number];

/** Sorts in place; keys without the field go last in either order; ties break by id. */
export function sortKeys(records: KeyRecord[], field: SortField, order: "asc" | "desc"): KeyRecord[] {
  const sign = order === "asc" ? 1 : -1;
  return records.sort((a, b) => {
    const x = a[field];
    const y = b[field];
    if (x === undefined && y !== undefined) return 1;
    if (y === undefined && x !== undefined) return -1;
    if (x !== undefined && y !== undefined && x !== y) return (x < y ? -1 : 1) * sign;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
}

/** Query-string form of a filter: `status=active,cooling`, numbers as text. */
export const keyFilterQuery = z.object({
  provider: z.optional(nonEmpty()),
  status: z.pipe(
    z.pipe(
      z.optional(z.string()),
      z.transform((v) => (v ? v.split(",").map((s) => s.trim()) : undefined)),
    ),
    z.optional(z.array(z.enum(KEY_STATUSES))),
  ),
  tag: z.optional(nonEmpty()),
  minBalance: z.optional(z.coerce.number()),
  maxBalance: z.optional(z.coerce.number()),
  q: z.optional(search()),
});
