import type { ChartConfiguration } from "chart.js";
import { useMemo } from "preact/hooks";
import { Chart } from "../../components/chart.js";
import { t } from "../../lib/i18n.js";
import type { Stats } from "../../lib/types.js";
import { statusLabel } from "../status-badge.js";

const STATUS_COLORS = {
  active: "#16a34a",
  exhausted: "#d97706",
  invalid: "#dc2626",
  cooling: "#2563eb",
  disabled: "#64748b",
};

/** How many keys fall in each balance bucket. */
export function Histogram({ stats }: { stats: Stats }) {
  const config = useMemo<ChartConfiguration>(
    () => ({
      type: "bar",
      data: {
        labels: stats.buckets.map((b) => b.label),
        datasets: [{ label: t("keys"), data: stats.buckets.map((b) => b.count), backgroundColor: "#6366f1" }],
      },
      options: {
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    }),
    [stats],
  );
  return <Chart config={config} label={t("balanceDistribution")} />;
}

/** The share of keys in each status (statuses with no key left out). */
export function StatusDoughnut({ stats }: { stats: Stats }) {
  const config = useMemo<ChartConfiguration>(() => {
    const entries = Object.entries(stats.byStatus).filter(([, n]) => n > 0);
    return {
      type: "doughnut",
      data: {
        labels: entries.map(([status]) => statusLabel(status)),
        datasets: [
          {
            data: entries.map(([, n]) => n),
            backgroundColor: entries.map(
              ([status]) => STATUS_COLORS[status as keyof typeof STATUS_COLORS] ?? "#a855f7",
            ),
          },
        ],
      },
      options: { plugins: { legend: { position: "bottom" } } },
    };
  }, [stats]);
  return <Chart config={config} label={t("statusShare")} />;
}
