import { useEffect, useMemo, useState } from "preact/hooks";
import { CopyButton } from "../components/copy-button.js";
import { Confirm } from "../components/dialog.js";
import { api, errorText } from "../lib/api.js";
import { formatDate, formatNumber } from "../lib/format.js";
import { t } from "../lib/i18n.js";
import type { CheckResult, Key, KeyFilter, Page, PublicInfo } from "../lib/types.js";
import { providerId } from "../lib/types.js";
import { AddKeysDialog } from "./add-keys-dialog.js";
import { CheckDialog, type CheckTarget } from "./check-dialog.js";
import { ExportDialog } from "./export-dialog.js";
import { StatusBadge, statusLabel } from "./status-badge.js";
import { useFetch } from "./use-fetch.js";

const STATUSES = ["active", "cooling", "exhausted", "invalid", "disabled"] as const;
const SORTS = ["addedAt", "balance", "lastCheckedAt", "lastUsedAt"] as const;
type Sort = (typeof SORTS)[number];

interface Filters {
  provider: string;
  status: string;
  tag: string;
  minBalance: string;
  maxBalance: string;
  q: string;
}

const EMPTY: Filters = { provider: "", status: "", tag: "", minBalance: "", maxBalance: "", q: "" };

export function toKeyFilter(f: Filters): KeyFilter {
  const filter: KeyFilter = {};
  if (f.provider) filter.provider = f.provider;
  if (f.status) filter.status = [f.status];
  if (f.tag) filter.tag = f.tag;
  if (f.minBalance !== "" && Number.isFinite(Number(f.minBalance))) filter.minBalance = Number(f.minBalance);
  if (f.maxBalance !== "" && Number.isFinite(Number(f.maxBalance))) filter.maxBalance = Number(f.maxBalance);
  if (f.q.trim()) filter.q = f.q.trim();
  return filter;
}

type Dialog =
  | { kind: "add" }
  | { kind: "check"; target: CheckTarget }
  | { kind: "export" }
  | { kind: "confirm"; message: string; label: string; run: () => void };

export function KeysPage() {
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [sort, setSort] = useState<Sort>("addedAt");
  const [order, setOrder] = useState<"asc" | "desc">("desc");
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(50);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [allMatching, setAllMatching] = useState(false);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [message, setMessage] = useState<{ text: string; error?: boolean } | null>(null);
  const info = useFetch(() => api<PublicInfo>("/public/api/info"), []);
  const providers = (info.data?.providers ?? []).map(providerId);

  const filter = useMemo(() => toKeyFilter(filters), [filters]);
  const list = useFetch(
    () =>
      api<Page<Key>>("/admin/api/keys", {
        query: {
          provider: filter.provider,
          status: filter.status?.join(","),
          tag: filter.tag,
          minBalance: filter.minBalance,
          maxBalance: filter.maxBalance,
          q: filter.q,
          sort,
          order,
          page,
          pageSize,
        },
      }),
    [filter, sort, order, page, pageSize],
  );
  const rows = list.data?.data ?? [];
  const total = list.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / pageSize));

  useEffect(() => {
    if (page > pages && !list.loading) setPage(pages);
  }, [page, pages, list.loading]);

  const selectionCount = allMatching ? total : selected.size;
  const target = (): { ids?: string[]; filter?: KeyFilter } => (allMatching ? { filter } : { ids: [...selected] });
  const clearSelection = () => {
    setSelected(new Set());
    setAllMatching(false);
  };

  const run = async (label: string, action: () => Promise<unknown>) => {
    try {
      const result = await action();
      const n =
        result && typeof result === "object"
          ? ((result as { affected?: number; deleted?: number }).affected ?? (result as { deleted?: number }).deleted)
          : undefined;
      setMessage({ text: n === undefined ? label : `${label}: ${n}` });
      list.reload();
    } catch (error) {
      setMessage({ text: errorText(error), error: true });
    }
  };

  const bulk = (action: "enable" | "disable" | "delete") => {
    const go = () =>
      run(t(action === "delete" ? "deleted" : action === "enable" ? "enabled" : "disabled"), async () => {
        const result = await api("/admin/api/keys/bulk", { json: { action, ...target() } });
        clearSelection();
        return result;
      });
    if (action === "delete")
      setDialog({
        kind: "confirm",
        message: t("confirmDeleteSelected", { n: selectionCount }),
        label: t("delete"),
        run: go,
      });
    else go();
  };

  const applyResult = (result: CheckResult) => {
    if (!list.data) return;
    const index = list.data.data.findIndex((k) => k.id === result.id);
    if (index < 0) return;
    const data = list.data.data.slice();
    const old = data[index]!;
    data[index] = {
      ...old,
      status: result.status === "error" || !result.status ? old.status : result.status,
      statusReason: result.message ?? old.statusReason,
      balance: result.balance ?? old.balance,
      lastCheckedAt: Date.now(),
    };
    list.setData({ ...list.data, data });
  };

  const toggleSort = (column: Sort) => {
    if (sort === column) setOrder(order === "asc" ? "desc" : "asc");
    else {
      setSort(column);
      setOrder("desc");
    }
    setPage(1);
  };

  const pageIds = rows.map((r) => r.id);
  const pageAllSelected = pageIds.length > 0 && (allMatching || pageIds.every((id) => selected.has(id)));
  const togglePage = () => {
    if (allMatching) return clearSelection();
    const next = new Set(selected);
    for (const id of pageIds) pageAllSelected ? next.delete(id) : next.add(id);
    setSelected(next);
  };
  const toggleRow = (id: string) => {
    if (allMatching) {
      // Leaving "all matching" keeps the current page selected except the row clicked.
      setAllMatching(false);
      setSelected(new Set(pageIds.filter((x) => x !== id)));
      return;
    }
    const next = new Set(selected);
    next.has(id) ? next.delete(id) : next.add(id);
    setSelected(next);
  };

  const sortHeader = (column: Sort, label: string) => (
    <th scope="col" aria-sort={sort === column ? (order === "asc" ? "ascending" : "descending") : "none"}>
      <button type="button" class="sort" onClick={() => toggleSort(column)}>
        {label}
        <span aria-hidden="true">{sort === column ? (order === "asc" ? " ▲" : " ▼") : ""}</span>
      </button>
    </th>
  );

  const input = (name: keyof Filters) => ({
    id: `f-${name}`,
    value: draft[name],
    onInput: (e: Event) => setDraft({ ...draft, [name]: (e.target as HTMLInputElement).value }),
  });

  return (
    <section aria-labelledby="keys-title">
      <div class="page-head">
        <h1 id="keys-title">{t("navKeys")}</h1>
        <div class="actions">
          <button type="button" class="primary" onClick={() => setDialog({ kind: "add" })}>
            {t("addKeys")}
          </button>
          <button type="button" onClick={() => setDialog({ kind: "check", target: { all: true } })}>
            {t("checkAll")}
          </button>
          <button type="button" onClick={() => setDialog({ kind: "export" })}>
            {t("export")}
          </button>
          <button
            type="button"
            class="danger"
            onClick={() =>
              setDialog({
                kind: "confirm",
                message: t("confirmDeleteInvalid"),
                label: t("deleteInvalid"),
                run: () =>
                  run(t("deleted"), () =>
                    api("/admin/api/keys", { method: "DELETE", json: { filter: { status: ["invalid"] } } }),
                  ),
              })
            }
          >
            {t("deleteInvalid")}
          </button>
        </div>
      </div>

      <form
        class="filters card"
        aria-label={t("filters")}
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(draft);
          setPage(1);
          clearSelection();
        }}
      >
        <div class="field">
          <label for="f-q">{t("search")}</label>
          <input type="search" placeholder={t("searchPlaceholder")} {...input("q")} />
        </div>
        <div class="field">
          <label for="f-provider">{t("provider")}</label>
          <select
            {...input("provider")}
            onChange={(e) => setDraft({ ...draft, provider: (e.target as HTMLSelectElement).value })}
          >
            <option value="">{t("any")}</option>
            {providers.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="f-status">{t("status")}</label>
          <select
            {...input("status")}
            onChange={(e) => setDraft({ ...draft, status: (e.target as HTMLSelectElement).value })}
          >
            <option value="">{t("any")}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {statusLabel(s)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="f-tag">{t("tag")}</label>
          <input {...input("tag")} />
        </div>
        <div class="field narrow">
          <label for="f-minBalance">{t("minBalance")}</label>
          <input type="number" step="any" {...input("minBalance")} />
        </div>
        <div class="field narrow">
          <label for="f-maxBalance">{t("maxBalance")}</label>
          <input type="number" step="any" {...input("maxBalance")} />
        </div>
        <div class="field buttons">
          <button type="submit" class="primary">
            {t("apply")}
          </button>
          <button
            type="button"
            onClick={() => {
              setDraft(EMPTY);
              setFilters(EMPTY);
              setPage(1);
              clearSelection();
            }}
          >
            {t("reset")}
          </button>
        </div>
      </form>

      {message && <output class={message.error ? "error" : "notice"}>{message.text}</output>}

      {selectionCount > 0 && (
        <section class="selection-bar" aria-label={t("selection")}>
          <span data-testid="selection-count">{t("nSelected", { n: formatNumber(selectionCount, 0) })}</span>
          {!allMatching && total > selected.size && (
            <button type="button" class="link" onClick={() => setAllMatching(true)}>
              {t("selectAllMatching", { n: formatNumber(total, 0) })}
            </button>
          )}
          <button type="button" class="small" onClick={() => setDialog({ kind: "check", target: target() })}>
            {t("check")}
          </button>
          <button type="button" class="small" onClick={() => bulk("enable")}>
            {t("enable")}
          </button>
          <button type="button" class="small" onClick={() => bulk("disable")}>
            {t("disable")}
          </button>
          <button type="button" class="small danger" onClick={() => bulk("delete")}>
            {t("delete")}
          </button>
          <button type="button" class="small link" onClick={clearSelection}>
            {t("clearSelection")}
          </button>
        </section>
      )}

      {list.error && <p class="error">{list.error}</p>}
      <div class="table-wrap card">
        <table class="keys-table" aria-busy={list.loading}>
          <caption class="sr-only">{t("navKeys")}</caption>
          <thead>
            <tr>
              <th scope="col" class="sel">
                <input type="checkbox" aria-label={t("selectPage")} checked={pageAllSelected} onChange={togglePage} />
              </th>
              <th scope="col">{t("key")}</th>
              <th scope="col">{t("provider")}</th>
              <th scope="col">{t("status")}</th>
              {sortHeader("balance", t("balance"))}
              <th scope="col">{t("tags")}</th>
              {sortHeader("addedAt", t("added"))}
              {sortHeader("lastCheckedAt", t("lastChecked"))}
              {sortHeader("lastUsedAt", t("lastUsed"))}
              <th scope="col">{t("actions")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((k) => (
              <tr
                key={k.id}
                data-key-id={k.id}
                class={allMatching || selected.has(k.id) ? "selected" : undefined}
                onClick={(e) => {
                  // Row click selects (as in the tools users come from); controls keep their own job.
                  if (!(e.target as HTMLElement).closest("button, input, a, select, label")) toggleRow(k.id);
                }}
              >
                <td class="sel">
                  <input
                    type="checkbox"
                    aria-label={t("selectKey", { key: k.key })}
                    checked={allMatching || selected.has(k.id)}
                    onChange={() => toggleRow(k.id)}
                  />
                </td>
                <td class="mono">{k.key}</td>
                <td>{k.provider}</td>
                <td>
                  <StatusBadge status={k.status} />
                  {k.statusReason && <span class="muted small-text"> {k.statusReason}</span>}
                </td>
                <td class="num" data-col="balance">
                  {formatNumber(k.balance)}
                </td>
                <td>{k.tags.join(", ")}</td>
                <td>{formatDate(k.addedAt)}</td>
                <td data-col="lastChecked">{formatDate(k.lastCheckedAt)}</td>
                <td>{formatDate(k.lastUsedAt)}</td>
                <td class="row-actions">
                  <CopyButton
                    label={t("copy")}
                    text={() =>
                      api<{ secret: string }>(`/admin/api/keys/${encodeURIComponent(k.id)}/secret`).then(
                        (r) => r.secret,
                      )
                    }
                  />
                  <button
                    type="button"
                    class="small"
                    onClick={() =>
                      run(t(k.status === "disabled" ? "enabled" : "disabled"), () =>
                        api(`/admin/api/keys/${encodeURIComponent(k.id)}`, {
                          method: "PATCH",
                          json: { disabled: k.status !== "disabled" },
                        }),
                      )
                    }
                  >
                    {k.status === "disabled" ? t("enable") : t("disable")}
                  </button>
                  <button
                    type="button"
                    class="small danger"
                    aria-label={`${t("delete")} ${k.key}`}
                    onClick={() =>
                      setDialog({
                        kind: "confirm",
                        message: t("confirmDeleteOne", { key: k.key }),
                        label: t("delete"),
                        run: () =>
                          run(t("deleted"), () => api("/admin/api/keys", { method: "DELETE", json: { ids: [k.id] } })),
                      })
                    }
                  >
                    {t("delete")}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {!list.loading && rows.length === 0 && <p class="empty">{t("noKeys")}</p>}
      </div>

      <nav class="pager" aria-label={t("pagination")}>
        <span data-testid="total">{t("totalKeys", { n: formatNumber(total, 0) })}</span>
        <button type="button" class="small" disabled={page <= 1} onClick={() => setPage(page - 1)}>
          {t("prev")}
        </button>
        <span aria-current="page">
          {/* The page of the rows on screen, so the label never runs ahead of the data. */}
          {list.data?.page ?? page} / {pages}
        </span>
        <button type="button" class="small" disabled={page >= pages} onClick={() => setPage(page + 1)}>
          {t("next")}
        </button>
        <label for="page-size" class="sr-only">
          {t("pageSize")}
        </label>
        <select
          id="page-size"
          value={String(pageSize)}
          onChange={(e) => {
            setPageSize(Number((e.target as HTMLSelectElement).value));
            setPage(1);
          }}
        >
          {[20, 50, 100, 200].map((n) => (
            <option key={n} value={String(n)}>
              {t("perPage", { n })}
            </option>
          ))}
        </select>
      </nav>

      {dialog?.kind === "add" && (
        <AddKeysDialog
          providers={providers}
          onClose={() => setDialog(null)}
          onAdded={(result) => {
            list.reload();
            if (result.added.length > 0) {
              setSelected(new Set(result.added.map((a) => a.id)));
              setAllMatching(false);
            }
          }}
          onResult={applyResult}
          onCheckFinished={() => list.reload()}
        />
      )}
      {dialog?.kind === "check" && (
        <CheckDialog
          target={dialog.target}
          onResult={applyResult}
          onClose={() => setDialog(null)}
          onFinished={() => list.reload()}
        />
      )}
      {dialog?.kind === "export" && (
        <ExportDialog
          filter={filter}
          selectedIds={allMatching ? null : [...selected]}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog?.kind === "confirm" && (
        <Confirm
          message={dialog.message}
          confirmLabel={dialog.label}
          danger
          onConfirm={dialog.run}
          onClose={() => setDialog(null)}
        />
      )}
    </section>
  );
}
