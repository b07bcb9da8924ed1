import { useEffect, useMemo, useState } from "preact/hooks";
import type { CheckResult } from "../../lib/types.js";
import { useFetch } from "../use-fetch.js";
import { type KeyFilterFields, NO_FILTERS, toKeyFilter } from "./key-filters.js";
import { type KeySort, listKeys, type SortOrder } from "./keys-api.js";

/** The keys on screen: the applied filters, the sort, the page, and what the admin API returned for them. */
export function useKeysQuery() {
  const [fields, setFields] = useState<KeyFilterFields>(NO_FILTERS);
  const [sort, setSort] = useState<KeySort>("addedAt");
  const [order, setOrder] = useState<SortOrder>("desc");
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(50);

  const filter = useMemo(() => toKeyFilter(fields), [fields]);
  const list = useFetch(() => listKeys({ filter, sort, order, page, pageSize }), [filter, sort, order, page, pageSize]);
  const rows = list.data?.data ?? [];
  const total = list.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / pageSize));

  // Deleting keys can leave the page past the end: step back to the last page.
  useEffect(() => {
    if (page > pages && !list.loading) setPage(pages);
  }, [page, pages, list.loading]);

  /** A check result updates its row in place, so results show while a job runs (the list reloads at the end). */
  const applyCheckResult = (result: CheckResult) => {
    if (!list.data) return;
    const index = list.data.data.findIndex((k) => k.id === result.id);
    if (index < 0) return;
    const data = list.data.data.slice();
    const old = data[index]!;
    data[index] = {
      ...old,
      status: result.status,
      statusReason: result.message ?? old.statusReason,
      balance: result.balance ?? old.balance,
      lastCheckedAt: Date.now(),
    };
    list.setData({ ...list.data, data });
  };

  return {
    filter,
    sort,
    order,
    page,
    pageSize,
    pages,
    rows,
    total,
    loading: list.loading,
    error: list.error,
    /** The page of the rows on screen, so the label never runs ahead of the data. */
    shownPage: list.data?.page ?? page,
    reload: list.reload,
    applyCheckResult,
    applyFilters: (next: KeyFilterFields) => {
      setFields(next);
      setPage(1);
    },
    /** Same column: flip the order; another column: sort by it, newest or largest first. */
    toggleSort: (column: KeySort) => {
      if (sort === column) setOrder(order === "asc" ? "desc" : "asc");
      else {
        setSort(column);
        setOrder("desc");
      }
      setPage(1);
    },
    goToPage: setPage,
    changePageSize: (size: number) => {
      setPageSize(size);
      setPage(1);
    },
  };
}

export type KeysQuery = ReturnType<typeof useKeysQuery>;
