import { CopyButton } from "../../components/copy-button.js";
import { formatDate, formatNumber } from "../../lib/format.js";
import { t } from "../../lib/i18n.js";
import type { Key } from "../../lib/types.js";
import { StatusBadge } from "../status-badge.js";
import { keySecret } from "./keys-api.js";
import type { KeySelection } from "./use-key-selection.js";

/** A key's row: clicking it (outside its controls) selects it; copy, enable/disable and delete act on it alone. */
export function KeyRow({
  k,
  selection,
  onToggleDisabled,
  onDelete,
}: {
  k: Key;
  selection: KeySelection;
  onToggleDisabled: (key: Key) => void;
  onDelete: (key: Key) => void;
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
        <CopyButton label={t("copy")} text={() => keySecret(k.id)} />
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
