import { useEffect, useState } from "preact/hooks";
import { formatDuration, formatNumber } from "../lib/format.js";
import { t } from "../lib/i18n.js";
import type { CheckResult } from "../lib/types.js";
import { CheckLiveControl } from "./check-live-control.js";
import { useCheckJob } from "./use-check-job.js";

/** Live progress of a check job: count, percent, ok/failed, rate, ETA and elapsed time, and Stop. */
export function CheckProgress({
  jobId,
  onResult,
  onFinished,
}: {
  jobId: string;
  onResult: (result: CheckResult) => void;
  onFinished: () => void;
}) {
  const { job, error, stop, update } = useCheckJob(jobId, onResult, onFinished);
  const now = useNow(500);
  const total = job?.total ?? 0;
  const done = job?.done ?? 0;
  const percent = total > 0 ? Math.round((done / total) * 100) : job?.status === "done" ? 100 : 0;
  const elapsed = job ? ((job.finishedAt ?? now) - job.startedAt) / 1000 : 0;
  const secondsPerItem = job?.ratePerSec ? 1 / job.ratePerSec : done > 0 ? elapsed / done : undefined;
  const running = !job || job.status === "running";
  return (
    <div class="progress-view" data-job-status={job?.status ?? "starting"}>
      <div class="progress-label">
        <span data-testid="check-count">
          {done} / {total}
        </span>
        <span data-testid="check-percent">{percent}%</span>
      </div>
      <progress max={100} value={percent} aria-label={t("checkProgress")} />
      <dl class="progress-stats">
        <div>
          <dt>{t("ok")}</dt>
          <dd data-testid="check-ok">{job?.ok ?? 0}</dd>
        </div>
        <div>
          <dt>{t("failed")}</dt>
          <dd data-testid="check-failed">{job?.failed ?? 0}</dd>
        </div>
        <div>
          <dt>{t("rate")}</dt>
          <dd>
            {job?.ratePerSec !== undefined ? `${formatNumber(job.ratePerSec, 1)}/s` : "—"}
            {secondsPerItem !== undefined ? ` · ${formatNumber(secondsPerItem, 1)} s/${t("item")}` : ""}
          </dd>
        </div>
        <div>
          <dt>{t("eta")}</dt>
          <dd>{running ? formatDuration(job?.etaSec) : "—"}</dd>
        </div>
        <div>
          <dt>{t("elapsed")}</dt>
          <dd>{formatDuration(elapsed)}</dd>
        </div>
      </dl>
      <output class="muted" data-testid="check-status">
        {job?.status === "done" ? t("checkDone") : job?.status === "stopped" ? t("checkStopped") : t("checkRunning")}
      </output>
      {job?.status === "running" && <CheckLiveControl job={job} update={update} />}
      {error && <p class="error">{error}</p>}
      {running && (
        <button type="button" class="danger" onClick={stop}>
          {t("stop")}
        </button>
      )}
    </div>
  );
}

/** The time now, refreshed every `ms`, so the elapsed time ticks while the job runs. */
function useNow(ms: number) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const clock = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(clock);
  }, [ms]);
  return now;
}
