import { formatNumber } from "../../lib/format.js";
import { type Key, lang, t } from "../../lib/i18n.js";

const locale = () => (lang.get() === "zh-CN" ? "zh-CN" : "en-US");

const formats = new Map<string, Intl.DateTimeFormat>();

/** A request's time with seconds: requests come many a minute. One formatter per language (Live renders hundreds a second). */
export const logTime = (at: number) => {
  const lang = locale();
  let format = formats.get(lang);
  if (!format) {
    format = new Intl.DateTimeFormat(lang, { dateStyle: "short", timeStyle: "medium" });
    formats.set(lang, format);
  }
  return format.format(at);
};

export const ms = (value: number | null | undefined) =>
  value === null || value === undefined ? "—" : `${formatNumber(value, 0)} ms`;

export const failureLabel = (failure: string | undefined) =>
  failure ? t(`failure_${failure}` as Key) : t("logAnswered");

/** The badge class of a status the client got. */
export const statusClass = (status: number) =>
  status >= 500 ? "badge-error" : status >= 400 ? "badge-invalid" : "badge-active";
