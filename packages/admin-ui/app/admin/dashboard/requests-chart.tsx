import type { ChartConfiguration } from "chart.js";
import { useMemo, useState } from "preact/hooks";
import { api } from "../../lib/api.js";
import { formatDay, formatHour } from "../../lib/format.js";
import { t } from "../../lib/i18n.js";
import { useFetch } from "../use-fetch.js";
import { ChartOrEmpty, PeriodPicker } from "./panel.js";

type RequestsPeriod = "24h" | "7d" | "30d";
const PERIODS = ["24h", "7d", "30d"] as const;

interface RequestsPoint {
  day?: string | number;
  hour?: string | number;
  requests: number;
  errors: number;
}

/** Proxied requests per hour (24 h) or per day, successes and errors stacked. */
export function RequestsChart() {
  const [period, setPeriod] = useState<RequestsPeriod>("7d");
  const data = useFetch(
    () => api<{ points: RequestsPoint[] }>("/admin/api/stats/requests", { query: { period } }),
    [period],
  );
  const config = useMemo<ChartConfiguration | null>(() => {
    const points = data.data?.points ?? [];
    if (points.every((p) => p.requests === 0 && p.errors === 0)) return null;
    // Hours come as ISO timestamps, days as YYYY-MM-DD (UTC).
    const label = (v: string | number | undefined) => {
      const at = typeof v === "number" ? v : Date.parse(String(v ?? ""));
      if (!Number.isFinite(at)) return String(v ?? "");
      return period === "24h" ? formatHour(at) : formatDay(at);
    };
    return {
      type: "bar",
      data: {
        labels: points.map((p) => label(p.hour ?? p.day)),
        datasets: [
          { label: t("requests"), data: points.map((p) => p.requests - p.errors), backgroundColor: "#6366f1" },
          { label: t("errors"), data: points.map((p) => p.errors), backgroundColor: "#dc2626" },
        ],
      },
      options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
    };
  }, [data.data, period]);
  return (
    <>
      <PeriodPicker periods={PERIODS} value={period} label={(p) => p} onChange={setPeriod} />
      <ChartOrEmpty error={data.error} config={config} label={t("requestsOverTime")} />
    </>
  );
}
