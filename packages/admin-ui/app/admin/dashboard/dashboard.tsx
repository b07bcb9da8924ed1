import { api } from "../../lib/api.js";
import { lang, t } from "../../lib/i18n.js";
import { useStore } from "../../lib/store.js";
import type { Stats } from "../../lib/types.js";
import { useFetch } from "../use-fetch.js";
import { BalanceTrend } from "./balance-trend.js";
import { MetricCards } from "./metric-cards.js";
import { Empty, Panel } from "./panel.js";
import { RecentKeys } from "./recent-keys.js";
import { RequestsChart } from "./requests-chart.js";
import { Histogram, StatusDoughnut } from "./status-charts.js";
import { TopKeys } from "./top-keys.js";

/** The dashboard: metric cards from `/stats`, then one panel per chart and the recently added keys. */
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
      {s && <MetricCards stats={s} />}
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
