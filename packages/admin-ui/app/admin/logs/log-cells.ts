import { formatNumber } from "../../lib/format.js";
import { type Key, lang, t } from "../../lib/i18n.js";

const locale = () => (lang.get() === "zh-CN" ? "zh-CN" : "en-US");

/** A request's time with seconds: requests come many a minute. */
export const logTime = (at: number) =>
  new Date(at).toLocaleString(locale(), { dateStyle: "short", timeStyle: "medium" });

export const ms = (value: number | null | undefined) =>
  value === null || value === undefined ? "—" : `${formatNumber(value, 0)} ms`;

export const failureLabel = (failure: string | undefined) =>
  failure ? t(`failure_${failure}` as Key) : t("logAnswered");

/** The badge class of a status the client got. */
export const statusClass = (status: number) =>
  status >= 500 ? "badge-error" : status >= 400 ? "badge-invalid" : "badge-active";
