import { formatNumber } from "../../lib/format.js";
import { t } from "../../lib/i18n.js";
import type { KeySelection } from "./use-key-selection.js";

export type BulkAction = "enable" | "disable" | "delete";

/** What the selected keys can do together; shown only while something is selected. */
export function KeysSelectionBar({
  selection,
  total,
  onCheck,
  onBulk,
}: {
  selection: KeySelection;
  /** Keys matching the filter, offered as "select all matching". */
  total: number;
  onCheck: () => void;
  onBulk: (action: BulkAction) => void;
}) {
  if (selection.count === 0) return null;
  return (
    <section class="selection-bar" aria-label={t("selection")}>
      <span data-testid="selection-count">{t("nSelected", { n: formatNumber(selection.count, 0) })}</span>
      {/* Fewer keys picked than match the filter ("all matching" counts them all): offer to pick them all. */}
      {selection.count < total && (
        <button type="button" class="link" onClick={selection.selectAllMatching}>
          {t("selectAllMatching", { n: formatNumber(total, 0) })}
        </button>
      )}
      <button type="button" class="small" onClick={onCheck}>
        {t("check")}
      </button>
      <button type="button" class="small" onClick={() => onBulk("enable")}>
        {t("enable")}
      </button>
      <button type="button" class="small" onClick={() => onBulk("disable")}>
        {t("disable")}
      </button>
      <button type="button" class="small danger" onClick={() => onBulk("delete")}>
        {t("delete")}
      </button>
      <button type="button" class="small link" onClick={selection.clear}>
        {t("clearSelection")}
      </button>
    </section>
  );
}
