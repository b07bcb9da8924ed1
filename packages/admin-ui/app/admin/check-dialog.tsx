import { useEffect, useRef, useState } from "preact/hooks";
import { Dialog } from "../components/dialog.js";
import { api, errorText } from "../lib/api.js";
import { formatDuration, formatNumber } from "../lib/format.js";
import { t } from "../lib/i18n.js";
import type { CheckResult, Job, KeyFilter } from "../lib/types.js";

/** What to check: explicit ids, a filter, every key, or an already running job. */
export type CheckTarget = { ids?: string[]; filter?: KeyFilter; all?: boolean; jobId?: string };

interface CheckSettings {
  concurrency: number;
  mode: "random" | "fixed";
  fixedMs: number;
  minMs: number;
  maxMs: number;
  retries: number;
  retryIntervalMs: number;
}

// The defaults users of the SiliconFlow key manager know (seed-features.md).
export const CHECK_DEFAULTS: CheckSettings = {
  concurrency: 10,
  mode: "random",
  fixedMs: 1000,
  minMs: 500,
  maxMs: 1500,
  retries: 1,
  retryIntervalMs: 2000,
};

export function CheckDialog({
  target,
  onResult,
  onFinished,
  onClose,
}: {
  target: CheckTarget;
  onResult: (result: CheckResult) => void;
  onFinished: () => void;
  onClose: () => void;
}) {
  const [settings, setSettings] = useState<CheckSettings>(CHECK_DEFAULTS);
  const [jobId, setJobId] = useState<string | undefined>(target.jobId);
  const [error, setError] = useState<{ text: string; param?: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const start = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { jobId } = await api<{ jobId: string }>("/admin/api/checks", {
        json: {
          ...(target.ids
            ? { ids: target.ids }
            : target.filter && Object.keys(target.filter).length > 0
              ? { filter: target.filter }
              : { all: true }),
          concurrency: settings.concurrency,
          interval:
            settings.mode === "fixed"
              ? { mode: "fixed", ms: settings.fixedMs }
              : { mode: "random", minMs: settings.minMs, maxMs: settings.maxMs },
          retries: settings.retries,
          retryIntervalMs: settings.retryIntervalMs,
        },
      });
      setJobId(jobId);
    } catch (e) {
      setError({ text: errorText(e), param: (e as { param?: string }).param });
    } finally {
      setBusy(false);
    }
  };

  const number = (name: keyof CheckSettings, min: number, max: number, label: string) => (
    <div class="field">
      <label for={`chk-${name}`}>{label}</label>
      <input
        id={`chk-${name}`}
        type="number"
        min={min}
        max={max}
        required
        value={settings[name] as number}
        onInput={(e) => setSettings({ ...settings, [name]: Number((e.target as HTMLInputElement).value) })}
      />
    </div>
  );

  const scope = target.ids
    ? t("checkScopeSelected", { n: target.ids.length })
    : target.filter
      ? t("checkScopeMatching")
      : t("checkScopeAll");

  return (
    <Dialog title={t("batchCheck")} onClose={onClose}>
      {jobId ? (
        <CheckProgress jobId={jobId} onResult={onResult} onFinished={onFinished} />
      ) : (
        <form onSubmit={start} class="form-grid">
          <p class="muted full">{scope}</p>
          {number("concurrency", 1, 50, t("concurrency"))}
          <fieldset class="full">
            <legend>{t("interval")}</legend>
            <label class="check">
              <input
                type="radio"
                name="chk-mode"
                checked={settings.mode === "random"}
                onChange={() => setSettings({ ...settings, mode: "random" })}
              />
              {t("intervalRandom")}
            </label>
            <label class="check">
              <input
                type="radio"
                name="chk-mode"
                checked={settings.mode === "fixed"}
                onChange={() => setSettings({ ...settings, mode: "fixed" })}
              />
              {t("intervalFixed")}
            </label>
            <div class="form-grid">
              {settings.mode === "random" ? (
                <>
                  {number("minMs", 0, 60_000, t("minMs"))}
                  {number("maxMs", 0, 60_000, t("maxMs"))}
                </>
              ) : (
                number("fixedMs", 0, 60_000, t("fixedMs"))
              )}
            </div>
          </fieldset>
          {number("retries", 0, 5, t("retries"))}
          {number("retryIntervalMs", 0, 60_000, t("retryIntervalMs"))}
          {error && (
            <p class="error full" role="alert">
              {error.param ? `${error.param}: ` : ""}
              {error.text}
            </p>
          )}
          <div class="full buttons">
            <button type="button" onClick={onClose}>
              {t("cancel")}
            </button>
            <button type="submit" class="primary" disabled={busy}>
              {t("startCheck")}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

/**
 * Live progress of a check job from its SSE stream. When the stream is unavailable (a proxy
 * that buffers, or Workers where the UI must drive the job) it polls and drives `step`.
 */
export function CheckProgress({
  jobId,
  onResult,
  onFinished,
}: {
  jobId: string;
  onResult: (result: CheckResult) => void;
  onFinished: () => void;
}) {
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(Date.now());
  const handlers = useRef({ onResult, onFinished });
  handlers.current = { onResult, onFinished };

  useEffect(() => {
    const base = `/admin/api/checks/${encodeURIComponent(jobId)}`;
    let finished = false;
    let poll: ReturnType<typeof setInterval> | undefined;
    const finish = (final: Job) => {
      if (finished) return;
      finished = true;
      setJob(final);
      handlers.current.onFinished();
      source.close();
      if (poll) clearInterval(poll);
    };
    // Where nothing runs jobs in the background (Workers), the API marks the job `needsSteps`
    // and this page drives it, one bounded `step` at a time, while it is open.
    let driving = false;
    const drive = async () => {
      if (driving) return;
      driving = true;
      try {
        while (!finished) {
          const current = await api<Job>(`${base}/step`, { json: {} });
          if (current.status === "running") setJob(current);
          else finish(current);
        }
      } catch (e) {
        setError(errorText(e));
      }
    };
    const seen = (current: Job) => {
      if (current.needsSteps && current.status === "running") drive();
    };
    const source = new EventSource(`${base}/events`);
    source.addEventListener("progress", (e) => {
      const current = JSON.parse((e as MessageEvent).data) as Job;
      setJob(current);
      seen(current);
    });
    source.addEventListener("result", (e) => handlers.current.onResult(JSON.parse((e as MessageEvent).data)));
    source.addEventListener("done", (e) => finish(JSON.parse((e as MessageEvent).data)));
    source.onerror = () => {
      if (finished || poll) return;
      source.close();
      // Fall back to polling; drive the job in bounded steps in case nothing runs it in the background.
      let lastDone = -1;
      poll = setInterval(async () => {
        try {
          let current = await api<Job>(base);
          if (current.status === "running" && current.done === lastDone) {
            current = await api<Job>(`${base}/step`, { json: {} });
          }
          lastDone = current.done;
          seen(current);
          if (current.status === "running") setJob(current);
          else finish(current);
        } catch (e) {
          setError(errorText(e));
        }
      }, 1000);
    };
    const clock = setInterval(() => setNow(Date.now()), 500);
    return () => {
      finished = true;
      source.close();
      if (poll) clearInterval(poll);
      clearInterval(clock);
    };
  }, [jobId]);

  const stop = async () => {
    try {
      setJob(await api<Job>(`/admin/api/checks/${encodeURIComponent(jobId)}/stop`, { json: {} }));
    } catch (e) {
      setError(errorText(e));
    }
  };

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
      {error && <p class="error">{error}</p>}
      {running && (
        <button type="button" class="danger" onClick={stop}>
          {t("stop")}
        </button>
      )}
    </div>
  );
}
