import { t } from "../lib/i18n.js";

export function statusLabel(status: string): string {
  const known: Record<string, string> = {
    active: t("statusActive"),
    cooling: t("statusCooling"),
    invalid: t("statusInvalid"),
    exhausted: t("statusExhausted"),
    disabled: t("statusDisabled"),
    error: t("statusError"),
  };
  return known[status] ?? status;
}

export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge badge-${status}`}>{statusLabel(status)}</span>;
}
