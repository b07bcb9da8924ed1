/**
 * Filtering, sorting and paging of keys over the pool's in-memory snapshot (which holds every
 * key), so listing never reads storage.
 */
import { z } from "zod";
import type { KeyRecord, KeyStatus } from "../spec/storage.js";

export const KEY_STATUSES = ["active", "cooling", "invalid", "exhausted", "disabled"] as const;

export const keyFilterSchema = z.strictObject({
  provider: z.string().min(1).optional(),
  status: z.array(z.enum(KEY_STATUSES)).min(1).optional(),
  tag: z.string().min(1).optional(),
  minBalance: z.number().optional(),
  maxBalance: z.number().optional(),
  /** Substring of the id, the secret, a tag or the last error. */
  q: z.string().min(1).max(512).optional(),
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
  provider: z.string().min(1).optional(),
  status: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(",").map((s) => s.trim()) : undefined))
    .pipe(z.array(z.enum(KEY_STATUSES)).optional()),
  tag: z.string().min(1).optional(),
  minBalance: z.coerce.number().optional(),
  maxBalance: z.coerce.number().optional(),
  q: z.string().min(1).max(512).optional(),
});
