import { useMemo } from "preact/hooks";
import { Dialog } from "../../components/dialog.js";
import { api } from "../../lib/api.js";
import { formatDate } from "../../lib/format.js";
import { t } from "../../lib/i18n.js";
import { linkClick } from "../../lib/router.js";
import type { Key, KeyTimeline } from "../../lib/types.js";
import { ChartOrEmpty } from "../dashboard/panel.js";
import { StatusBadge } from "../status-badge.js";
import { useFetch } from "../use-fetch.js";
import { bucketTotals, errorRateConfig, latencyConfig, totalsText } from "./timeline-charts.js";

/**
 * A key's last 24 hours in a drawer (full screen on a phone): its status changes with their
 * reasons, latency (p50/p95) and error rate per bucket, and a link to its requests in the log.
 */
export function KeyTimelineDialog({ k, onClose }: { k: Key; onClose: () => void }) {
  const timeline = useFetch(() => api<KeyTimeline>(`/admin/api/keys/${encodeURIComponent(k.id)}/timeline`), [k.id]);
  const data = timeline.data;
  const requestsHref = `/admin/logs?key=${encodeURIComponent(k.id)}`;
  return (
    <Dialog
      title={t("timelineTitle", { key: data?.keyMasked ?? k.key })}
      onClose={onClose}
      className="drawer"
      footer={
        <a class="button" href={requestsHref} onClick={linkClick} data-testid="see-requests">
          {t("timelineSeeRequests")}
        </a>
      }
    >
      {timeline.error && <p class="error">{timeline.error}</p>}
      {!data && !timeline.error && <p class="muted">{t("loading")}</p>}
      {data && <TimelineBody data={data} />}
    </Dialog>
  );
}

function TimelineBody({ data }: { data: KeyTimeline }) {
  const totals = bucketTotals(data.buckets);
  const latency = useMemo(() => latencyConfig(data.buckets), [data]);
  const errorRate = useMemo(() => errorRateConfig(data.buckets), [data]);
  return (
    <div class="timeline">
      <p class="timeline-key">
        <span class="mono">{data.keyMasked}</span> <StatusBadge status={data.status} />
      </p>
      <h3>{t("timelineTransitions")}</h3>
      <Transitions items={data.transitions} />
      {data.source === "off" ? (
        <p class="muted">{t("timelineLogOff")}</p>
      ) : (
        <>
          <p data-testid="timeline-summary" data-requests={totals.requests} data-failures={totals.failures}>
            {totalsText(totals)}
          </p>
          {data.truncated && <p class="muted">{t("timelineTruncated")}</p>}
          <h3>{t("timelineLatency")}</h3>
          <ChartOrEmpty config={latency} label={t("timelineLatency")} />
          <h3>{t("timelineErrorRate")}</h3>
          <ChartOrEmpty config={errorRate} label={t("timelineErrorRate")} />
        </>
      )}
    </div>
  );
}

function Transitions({ items }: { items: KeyTimeline["transitions"] }) {
  if (items.length === 0) return <p class="muted">{t("timelineNoTransitions")}</p>;
  return (
    <div class="table-wrap">
      <table class="timeline-transitions" data-testid="transitions">
        <thead>
          <tr>
            <th scope="col">{t("timelineTime")}</th>
            <th scope="col">{t("timelineChange")}</th>
            <th scope="col">{t("timelineReason")}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((tr) => (
            <tr key={`${tr.at}-${tr.to}`} data-from={tr.from} data-to={tr.to}>
              <td>{formatDate(tr.at)}</td>
              <td>
                <StatusBadge status={tr.from} /> → <StatusBadge status={tr.to} />
              </td>
              <td class="small-text">{tr.reason ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
