import type { ChartConfiguration } from "chart.js";
import { formatHour } from "../../lib/format.js";
import { t } from "../../lib/i18n.js";
import type { KeyTimeline } from "../../lib/types.js";

type Bucket = KeyTimeline["buckets"][number];

/** Totals over the buckets: what the summary line says. */
export function bucketTotals(buckets: Bucket[]) {
  return buckets.reduce((sum, b) => ({ requests: sum.requests + b.requests, failures: sum.failures + b.failures }), {
    requests: 0,
    failures: 0,
  });
}

/** "1 request, 1 failure" in the current language. */
export function totalsText({ requests, failures }: { requests: number; failures: number }) {
  return t("timelineSummary", {
    requests: requests === 1 ? t("timelineRequestsOne") : t("timelineRequestsMany", { n: requests }),
    failures: failures === 1 ? t("timelineFailuresOne") : t("timelineFailuresMany", { n: failures }),
  });
}

const labels = (buckets: Bucket[]) => buckets.map((b) => formatHour(b.at));

/** p50 and p95 per bucket, as lines; empty buckets are gaps. */
export function latencyConfig(buckets: Bucket[]): ChartConfiguration {
  const line = (label: string, data: (number | null)[], color: string) => ({
    label,
    data,
    borderColor: color,
    backgroundColor: color,
    spanGaps: true,
    tension: 0.25,
    pointRadius: 2,
  });
  return {
    type: "line",
    data: {
      labels: labels(buckets),
      datasets: [
        line(
          "p50",
          buckets.map((b) => b.p50Ms),
          "#6366f1",
        ),
        line(
          "p95",
          buckets.map((b) => b.p95Ms),
          "#f59e0b",
        ),
      ],
    },
    options: { scales: { y: { beginAtZero: true } } },
  };
}

/** Failures / requests per bucket, in percent; buckets without requests have no bar. */
export function errorRateConfig(buckets: Bucket[]): ChartConfiguration {
  return {
    type: "bar",
    data: {
      labels: labels(buckets),
      datasets: [
        {
          label: t("timelineErrorRate"),
          data: buckets.map((b) => (b.requests > 0 ? Math.round((b.failures / b.requests) * 1000) / 10 : null)),
          backgroundColor: "#dc2626",
        },
      ],
    },
    options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, max: 100 } } },
  };
}
