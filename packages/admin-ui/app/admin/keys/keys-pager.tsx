import { formatNumber } from "../../lib/format.js";
import { t } from "../../lib/i18n.js";
import type { KeysQuery } from "./use-keys-query.js";

const PAGE_SIZES = [20, 50, 100, 200];

/** The total, previous/next, where we are, and the page size. */
export function KeysPager({ query }: { query: KeysQuery }) {
  const { page, pages, total } = query;
  return (
    <nav class="pager" aria-label={t("pagination")}>
      <span data-testid="total">{t("totalKeys", { n: formatNumber(total, 0) })}</span>
      <button type="button" class="small" disabled={page <= 1} onClick={() => query.goToPage(page - 1)}>
        {t("prev")}
      </button>
      <span aria-current="page">
        {query.shownPage} / {pages}
      </span>
      <button type="button" class="small" disabled={page >= pages} onClick={() => query.goToPage(page + 1)}>
        {t("next")}
      </button>
      <label for="page-size" class="sr-only">
        {t("pageSize")}
      </label>
      <select
        id="page-size"
        value={String(query.pageSize)}
        onChange={(e) => query.changePageSize(Number((e.target as HTMLSelectElement).value))}
      >
        {PAGE_SIZES.map((n) => (
          <option key={n} value={String(n)}>
            {t("perPage", { n })}
          </option>
        ))}
      </select>
    </nav>
  );
}
