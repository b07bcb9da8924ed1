import type { ApiInit } from "../../lib/api.js";

/** The time ranges the filter offers, in ms back from when the filter was applied ("" = all). */
export const LOG_RANGES = { "15m": 15 * 60_000, "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000 } as const;
export type LogRange = "" | keyof typeof LOG_RANGES;

/** What the admin set in the filter form, as typed; the page's URL holds it. */
export interface LogFilterFields {
  provider: string;
  model: string;
  status: string;
  failed: boolean;
  slow: boolean;
  slowMs: string;
  range: LogRange;
  token: string;
  key: string;
}

export const NO_LOG_FILTERS: LogFilterFields = {
  provider: "",
  model: "",
  status: "",
  failed: false,
  slow: false,
  slowMs: "1000",
  range: "",
  token: "",
  key: "",
};

/** The filters as the log routes take them (list, tail and export share them); `at` anchors the range. */
export function logQuery(f: LogFilterFields, at: number): NonNullable<ApiInit["query"]> {
  return {
    provider: f.provider,
    model: f.model.trim(),
    status: f.status.trim(),
    failed: f.failed ? "true" : undefined,
    slowMs: f.slow && f.slowMs.trim() ? f.slowMs.trim() : undefined,
    since: f.range ? at - LOG_RANGES[f.range] : undefined,
    token: f.token,
    key: f.key.trim(),
  };
}

const isRange = (value: string | null): value is keyof typeof LOG_RANGES => !!value && value in LOG_RANGES;

/** The filters a page URL's query names (`?key=…&failed=true&range=1h`); the rest as none. */
export function fieldsFromSearch(search: string): LogFilterFields {
  const q = new URLSearchParams(search);
  const text = (name: string) => q.get(name) ?? "";
  const range = q.get("range");
  return {
    provider: text("provider"),
    model: text("model"),
    status: text("status"),
    failed: q.get("failed") === "true",
    slow: q.has("slowMs"),
    slowMs: q.get("slowMs") || NO_LOG_FILTERS.slowMs,
    range: isRange(range) ? range : "",
    token: text("token"),
    key: text("key"),
  };
}

/** The page URL for the filters: only what is set, so no filter is plain `/admin/logs`. */
export function logsPageUrl(f: LogFilterFields): string {
  const q = new URLSearchParams();
  const set = (name: string, value: string | undefined) => {
    if (value) q.set(name, value);
  };
  set("provider", f.provider);
  set("model", f.model.trim());
  set("status", f.status.trim());
  set("failed", f.failed ? "true" : undefined);
  set("slowMs", f.slow ? f.slowMs.trim() || NO_LOG_FILTERS.slowMs : undefined);
  set("range", f.range);
  set("token", f.token);
  set("key", f.key.trim());
  const qs = q.toString();
  return qs ? `/admin/logs?${qs}` : "/admin/logs";
}
