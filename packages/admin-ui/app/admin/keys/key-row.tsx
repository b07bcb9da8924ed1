import { CopyButton } from "../../components/copy-button.js";
import { formatDate, formatNumber } from "../../lib/format.js";
import { t } from "../../lib/i18n.js";
import type { Key } from "../../lib/types.js";
import { StatusBadge } from "../status-badge.js";
import { keySecret } from "./keys-api.js";
import type { KeySelection } from "./use-key-selection.js";

/**
 * A key's row: clicking it (outside its controls) selects it; copy, enable/disable and delete act on
 * it alone. Below 760 px the row is a card (styles.css); `data-label` names each detail there.
 */
export function KeyRow({
  k,
  selection,
  onToggleDisabled,
  onDelete,
  onTimeline,
}: {
  k: Key;
  selection: KeySelection;
  onToggleDisabled: (key: Key) => void;
  onDelete: (key: Key) => void;
  onTimeline: (key: Key) => void;
}) {
  const selected = selection.has(k.id);
  const onToggle = () => selection.toggleRow(k.id);
  return (
    <tr
      data-key-id={k.id}
      class={selected ? "selected" : undefined}
      onClick={(e) => {
        // Row click selects (as in the tools users come from); controls keep their own job.
        if (!(e.target as HTMLElement).closest("button, input, a, select, label")) onToggle();
      }}
    >
      <td class="sel">
        <input type="checkbox" aria-label={t("selectKey", { key: k.key })} checked={selected} onChange={onToggle} />
      </td>
      <td class="mono" data-col="key">
        {k.key}
      </td>
      <td data-col="provider" data-label={t("provider")}>
        {k.provider}
      </td>
      <td data-col="status">
        <StatusBadge status={k.status} />
        {k.statusReason && <span class="muted small-text"> {k.statusReason}</span>}
      </td>
      <td class="num" data-col="balance" data-label={t("balance")}>
        {formatNumber(k.balance)}
      </td>
      {/* No text node when untagged, so the card layout can hide the empty cell (:empty). */}
      <td data-col="tags" data-label={t("tags")}>
        {k.tags.length > 0 && k.tags.join(", ")}
      </td>
      <td data-col="addedAt" data-label={t("added")}>
        {formatDate(k.addedAt)}
      </td>
      <td data-col="lastChecked" data-label={t("lastChecked")}>
        {formatDate(k.lastCheckedAt)}
      </td>
      <td data-col="lastUsed" data-label={t("lastUsed")}>
        {formatDate(k.lastUsedAt)}
      </td>
      <td class="row-actions">
        <CopyButton label={t("copy")} text={() => keySecret(k.id)} />
        <button type="button" class="small" onClick={() => onTimeline(k)}>
          {t("timeline")}
        </button>
        <button type="button" class="small" onClick={() => onToggleDisabled(k)}>
          {k.status === "disabled" ? t("enable") : t("disable")}
        </button>
        <button type="button" class="small danger" aria-label={`${t("delete")} ${k.key}`} onClick={() => onDelete(k)}>
          {t("delete")}
        </button>
      </td>
    </tr>
  );
}
