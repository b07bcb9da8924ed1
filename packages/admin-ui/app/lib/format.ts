import { lang } from "./i18n.js";

const locale = () => (lang.get() === "zh-CN" ? "zh-CN" : "en-US");

export function formatNumber(value: number | undefined | null, digits = 2): string {
  if (value === undefined || value === null || !Number.isFinite(value)) return "—";
  return value.toLocaleString(locale(), { maximumFractionDigits: digits });
}

export function formatDate(epochMs: number | undefined): string {
  if (!epochMs) return "—";
  return new Date(epochMs).toLocaleString(locale(), { dateStyle: "short", timeStyle: "short" });
}

export function formatDay(epochMs: number): string {
  return new Date(epochMs).toLocaleDateString(locale(), { month: "short", day: "numeric", timeZone: "UTC" });
}

export function formatHour(epochMs: number): string {
  return new Date(epochMs).toLocaleTimeString(locale(), { hour: "2-digit", minute: "2-digit" });
}

export function formatDuration(seconds: number | undefined | null): string {
  if (seconds === undefined || seconds === null || !Number.isFinite(seconds)) return "—";
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

export function formatPercent(ratio: number | undefined): string {
  if (ratio === undefined || !Number.isFinite(ratio)) return "—";
  return `${(ratio * 100).toLocaleString(locale(), { maximumFractionDigits: 1 })}%`;
}
