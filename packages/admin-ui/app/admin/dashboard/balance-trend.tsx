import type { ChartConfiguration } from "chart.js";
import { useMemo, useState } from "preact/hooks";
import { api } from "../../lib/api.js";
import { formatDate } from "../../lib/format.js";
import { t } from "../../lib/i18n.js";
import { useFetch } from "../use-fetch.js";
import { ChartOrEmpty, OutliersToggle, PeriodPicker } from "./panel.js";

type TrendPeriod = "all" | "7d" | "30d";
const PERIODS = ["all", "7d", "30d"] as const;
const PERIOD_LABELS = { all: "periodAll", "7d": "period7d", "30d": "period30d" } as const;

/** The pool's total balance over time, for a period, optionally without outlier keys. */
export function BalanceTrend() {
  const [period, setPeriod] = useState<TrendPeriod>("30d");
  const [filterOutliers, setFilterOutliers] = useState(false);
  const trend = useFetch(
    () =>
      api<{ points: { at: number; total: number; count: number }[] }>("/admin/api/stats/balance-trend", {
        query: { period, filterOutliers },
      }),
    [period, filterOutliers],
  );
  const config = useMemo<ChartConfiguration | null>(() => {
    const points = trend.data?.points ?? [];
    if (points.length === 0) return null;
    return {
      type: "line",
      data: {
        labels: points.map((p) => formatDate(p.at)),
        datasets: [
          {
            label: t("totalBalance"),
            data: points.map((p) => p.total),
            borderColor: "#6366f1",
            backgroundColor: "rgba(99,102,241,0.15)",
            fill: true,
            tension: 0.25,
            // Dots on a long series are noise: draw them only while they can be told apart.
            pointRadius: points.length > 60 ? 0 : 2,
          },
        ],
      },
      options: { plugins: { legend: { display: false } } },
    };
  }, [trend.data]);
  return (
    <>
      <div class="toolbar">
        <PeriodPicker periods={PERIODS} value={period} label={(p) => t(PERIOD_LABELS[p])} onChange={setPeriod} />
        <OutliersToggle checked={filterOutliers} onChange={setFilterOutliers} />
      </div>
      <ChartOrEmpty error={trend.error} config={config} label={t("balanceTrend")} />
    </>
  );
}
