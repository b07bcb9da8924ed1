import { formatNumber, formatPercent } from "../../lib/format.js";
import { t } from "../../lib/i18n.js";
import type { KeyStatus, Stats } from "../../lib/types.js";

/** The twelve figures at the top of the dashboard. */
export function MetricCards({ stats }: { stats: Stats }) {
  const by = (name: KeyStatus) => stats.byStatus[name] ?? 0;
  const cards: [string, string][] = [
    [t("cardTotal"), formatNumber(stats.total, 0)],
    [t("cardValid"), formatNumber(by("active"), 0)],
    [t("cardInvalidExhausted"), `${formatNumber(by("invalid"), 0)} / ${formatNumber(by("exhausted"), 0)}`],
    // "Cooling / error": keys cooling down (429s, repeated upstream errors) plus keys whose last check could not complete.
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
