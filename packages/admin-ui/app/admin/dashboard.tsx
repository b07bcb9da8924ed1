import type { ChartConfiguration } from "chart.js";
import { useMemo, useState } from "preact/hooks";
import { Chart } from "../components/chart.js";
import { api } from "../lib/api.js";
import { formatDate, formatDay, formatHour, formatNumber, formatPercent } from "../lib/format.js";
import { lang, t } from "../lib/i18n.js";
import { useStore } from "../lib/store.js";
import type { Key, Stats } from "../lib/types.js";
import { StatusBadge, statusLabel } from "./status-badge.js";
import { useFetch } from "./use-fetch.js";

const COLORS = { active: "#16a34a", exhausted: "#d97706", invalid: "#dc2626", cooling: "#2563eb", disabled: "#64748b" };

export function Dashboard() {
  const stats = useFetch(() => api<Stats>("/admin/api/stats"), []);
  const s = stats.data;
  // Chart labels are baked into each chart's config: remount the panels when the language changes.
  const language = useStore(lang);
  return (
    <section aria-labelledby="dash-title">
      <div class="page-head">
        <h1 id="dash-title">{t("navDashboard")}</h1>
        <button type="button" class="small" onClick={stats.reload}>
          {t("refresh")}
        </button>
      </div>
      {stats.error && <p class="error">{stats.error}</p>}
      {s && <Cards stats={s} />}
      <div class="grid-2" key={language}>
        <Panel title={t("balanceDistribution")}>
          {s?.buckets.some((b) => b.count > 0) ? <Histogram stats={s} /> : <Empty />}
        </Panel>
        <Panel title={t("statusShare")}>{s && s.total > 0 ? <StatusDoughnut stats={s} /> : <Empty />}</Panel>
        <Panel title={t("balanceTrend")} wide>
          <BalanceTrend />
        </Panel>
        <Panel title={t("topKeys")}>
          <TopKeys />
        </Panel>
        <Panel title={t("requestsOverTime")}>
          <RequestsChart />
        </Panel>
        <Panel title={t("recentKeys")} wide>
          {s && s.recent.length > 0 ? <RecentKeys keys={s.recent} /> : <Empty />}
        </Panel>
      </div>
    </section>
  );
}

function Cards({ stats }: { stats: Stats }) {
  const by = (name: string) => stats.byStatus[name] ?? 0;
  const cards: [string, string][] = [
    [t("cardTotal"), formatNumber(stats.total, 0)],
    [t("cardValid"), formatNumber(by("active"), 0)],
    [t("cardInvalidExhausted"), `${formatNumber(by("invalid"), 0)} / ${formatNumber(by("exhausted"), 0)}`],
    [t("cardError"), formatNumber(by("cooling") + (stats.checkErrors ?? 0), 0)],
    [t("cardDisabled"), formatNumber(by("disabled"), 0)],
    [t("cardTotalBalance"), formatNumber(stats.balance.sum)],
    [t("cardAvgBalance"), formatNumber(stats.balance.avg)],
    [t("cardMedian"), formatNumber(stats.balance.median)],
    [t("cardMax"), formatNumber(stats.balance.max)],
    [t("cardMinValid"), formatNumber(stats.balance.minValid)],
    [t("cardRequestsToday"), formatNumber(stats.requests.today, 0)],
    [t("cardErrorRate"), formatPercent(stats.requests.errorRate)],
  ];
  return (
    <ul class="cards">
      {cards.map(([label, value]) => (
        <li class="card metric" key={label}>
          <span class="metric-label">{label}</span>
          <strong class="metric-value">{value}</strong>
        </li>
      ))}
    </ul>
  );
}

function Panel({ title, wide, children }: { title: string; wide?: boolean; children: preact.ComponentChildren }) {
  return (
    <article class={wide ? "card panel wide" : "card panel"}>
      <h2>{title}</h2>
      {children}
    </article>
  );
}

function Empty({ text }: { text?: string }) {
  return <p class="empty">{text ?? t("noData")}</p>;
}

function Histogram({ stats }: { stats: Stats }) {
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

function StatusDoughnut({ stats }: { stats: Stats }) {
  const config = useMemo<ChartConfiguration>(() => {
    const entries = Object.entries(stats.byStatus).filter(([, n]) => n > 0);
    return {
      type: "doughnut",
      data: {
        labels: entries.map(([status]) => statusLabel(status)),
        datasets: [
          {
            data: entries.map(([, n]) => n),
            backgroundColor: entries.map(([status]) => COLORS[status as keyof typeof COLORS] ?? "#a855f7"),
          },
        ],
      },
      options: { plugins: { legend: { position: "bottom" } } },
    };
  }, [stats]);
  return <Chart config={config} label={t("statusShare")} />;
}

function BalanceTrend() {
  const [period, setPeriod] = useState<"all" | "7d" | "30d">("30d");
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
        <fieldset aria-label={t("period")} class="segmented">
          {(["all", "7d", "30d"] as const).map((p) => (
            <button type="button" key={p} aria-pressed={period === p} onClick={() => setPeriod(p)}>
              {p === "all" ? t("periodAll") : p === "7d" ? t("period7d") : t("period30d")}
            </button>
          ))}
        </fieldset>
        <label class="check">
          <input
            type="checkbox"
            checked={filterOutliers}
            onChange={(e) => setFilterOutliers((e.target as HTMLInputElement).checked)}
          />
          {t("filterOutliers")}
        </label>
      </div>
      {trend.error ? (
        <Empty text={trend.error} />
      ) : config ? (
        <Chart config={config} label={t("balanceTrend")} />
      ) : (
        <Empty />
      )}
    </>
  );
}

function TopKeys() {
  const [filterOutliers, setFilterOutliers] = useState(false);
  const top = useFetch(
    () =>
      api<{ data: { id: string; key: string; balance: number }[] }>("/admin/api/stats/top-keys", {
        query: { n: 10, filterOutliers },
      }),
    [filterOutliers],
  );
  const config = useMemo<ChartConfiguration | null>(() => {
    const rows = top.data?.data ?? [];
    if (rows.length === 0) return null;
    return {
      type: "bar",
      data: {
        labels: rows.map((r) => r.key),
        datasets: [{ label: t("balance"), data: rows.map((r) => r.balance), backgroundColor: "#16a34a" }],
      },
      options: { indexAxis: "y", plugins: { legend: { display: false } } },
    };
  }, [top.data]);
  return (
    <>
      <label class="check">
        <input
          type="checkbox"
          checked={filterOutliers}
          onChange={(e) => setFilterOutliers((e.target as HTMLInputElement).checked)}
        />
        {t("filterOutliers")}
      </label>
      {top.error ? <Empty text={top.error} /> : config ? <Chart config={config} label={t("topKeys")} /> : <Empty />}
    </>
  );
}

function RequestsChart() {
  const [period, setPeriod] = useState<"24h" | "7d" | "30d">("7d");
  const data = useFetch(
    () =>
      api<{ points: { day?: string | number; hour?: string | number; requests: number; errors: number }[] }>(
        "/admin/api/stats/requests",
        { query: { period } },
      ),
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
      <fieldset aria-label={t("period")} class="segmented">
        {(["24h", "7d", "30d"] as const).map((p) => (
          <button type="button" key={p} aria-pressed={period === p} onClick={() => setPeriod(p)}>
            {p}
          </button>
        ))}
      </fieldset>
      {data.error ? (
        <Empty text={data.error} />
      ) : config ? (
        <Chart config={config} label={t("requestsOverTime")} />
      ) : (
        <Empty />
      )}
    </>
  );
}

function RecentKeys({ keys }: { keys: Key[] }) {
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t("key")}</th>
            <th scope="col">{t("provider")}</th>
            <th scope="col">{t("status")}</th>
            <th scope="col" class="num">
              {t("balance")}
            </th>
            <th scope="col">{t("added")}</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k.id}>
              <td class="mono">{k.key}</td>
              <td>{k.provider}</td>
              <td>
                <StatusBadge status={k.status} />
              </td>
              <td class="num">{formatNumber(k.balance)}</td>
              <td>{formatDate(k.addedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
