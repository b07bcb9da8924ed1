import { api } from "../../lib/api.js";
import type { Key, KeyFilter, Page } from "../../lib/types.js";

/** The columns the table sorts by (the admin API's `sort`). */
export type KeySort = "addedAt" | "balance" | "lastCheckedAt" | "lastUsedAt";
export type SortOrder = "asc" | "desc";

/** Keys by explicit ids, or every key matching a filter (the admin API's bulk target). */
export type KeyTarget = { ids?: string[]; filter?: KeyFilter };

export interface KeyListQuery {
  filter: KeyFilter;
  sort: KeySort;
  order: SortOrder;
  page: number;
  pageSize: number;
}

export const listKeys = ({ filter, ...rest }: KeyListQuery) =>
  api<Page<Key>>("/admin/api/keys", {
    query: {
      provider: filter.provider,
      status: filter.status?.join(","),
      tag: filter.tag,
      minBalance: filter.minBalance,
      maxBalance: filter.maxBalance,
      q: filter.q,
      ...rest,
    },
  });

export const bulkUpdateKeys = (action: "enable" | "disable" | "delete", target: KeyTarget) =>
  api("/admin/api/keys/bulk", { json: { action, ...target } });

export const deleteKeys = (target: KeyTarget) => api("/admin/api/keys", { method: "DELETE", json: target });

export const setKeyDisabled = (id: string, disabled: boolean) =>
  api(`/admin/api/keys/${encodeURIComponent(id)}`, { method: "PATCH", json: { disabled } });

/** The full secret, fetched only when the admin asks to copy it (lists show it masked). */
export const keySecret = (id: string) =>
  api<{ secret: string }>(`/admin/api/keys/${encodeURIComponent(id)}/secret`).then((r) => r.secret);
