import { t } from "../../lib/i18n.js";
import type { Key } from "../../lib/types.js";
import { KeyRow } from "./key-row.js";
import type { KeySort } from "./keys-api.js";
import type { KeySelection } from "./use-key-selection.js";
import type { KeysQuery } from "./use-keys-query.js";

/** One page of keys: sortable columns, a checkbox per row and one for the page, and each key's own actions. */
export function KeysTable({
  query,
  selection,
  onToggleDisabled,
  onDelete,
  onTimeline,
}: {
  query: KeysQuery;
  selection: KeySelection;
  onToggleDisabled: (key: Key) => void;
  onDelete: (key: Key) => void;
  onTimeline: (key: Key) => void;
}) {
  const { rows, loading, sort, order } = query;
  const sortHeader = (column: KeySort, label: string) => (
    <th scope="col" aria-sort={sort === column ? (order === "asc" ? "ascending" : "descending") : "none"}>
      <button type="button" class="sort" onClick={() => query.toggleSort(column)}>
        {label}
        <span aria-hidden="true">{sort === column ? (order === "asc" ? " ▲" : " ▼") : ""}</span>
      </button>
    </th>
  );
  return (
    <div class="table-wrap card">
      <table class="keys-table" aria-busy={loading}>
        <caption class="sr-only">{t("navKeys")}</caption>
        <thead>
          <tr>
            <th scope="col" class="sel">
              <input
                type="checkbox"
                aria-label={t("selectPage")}
                checked={selection.pageAllSelected}
                onChange={selection.togglePage}
              />
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
            <KeyRow
              key={k.id}
              k={k}
              selection={selection}
              onToggleDisabled={onToggleDisabled}
              onDelete={onDelete}
              onTimeline={onTimeline}
            />
          ))}
        </tbody>
      </table>
      {!loading && rows.length === 0 && <p class="empty">{t("noKeys")}</p>}
    </div>
  );
}
