import { useState } from "preact/hooks";
import { t } from "../lib/i18n.js";
import type { Job } from "../lib/types.js";
import type { JobChange } from "./use-check-job.js";

/**
 * The seed's live rate control: change a running job's concurrency and interval. Workers that
 * start now pick the new values up; a wait under way is cut to the new interval.
 */
export function CheckLiveControl({ job, update }: { job: Job; update: (change: JobChange) => Promise<void> }) {
  const { concurrency, interval } = job.settings;
  const [workers, setWorkers] = useState(String(concurrency));
  const [fixedMs, setFixedMs] = useState(String(interval.mode === "fixed" ? interval.ms : 0));
  const [minMs, setMinMs] = useState(String(interval.mode === "random" ? interval.minMs : 0));
  const [maxMs, setMaxMs] = useState(String(interval.mode === "random" ? interval.maxMs : 0));
  const [busy, setBusy] = useState(false);
  const apply = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    const next: JobChange["interval"] =
      interval.mode === "fixed"
        ? { mode: "fixed", ms: Number(fixedMs) }
        : { mode: "random", minMs: Number(minMs), maxMs: Number(maxMs) };
    await update({ concurrency: Number(workers), interval: next });
    setBusy(false);
  };
  const field = (label: string, value: string, set: (v: string) => void, max: number, min = 0) => (
    <label>
      {label}
      <input
        type="number"
        min={min}
        max={max}
        value={value}
        onInput={(e) => set((e.target as HTMLInputElement).value)}
        required
      />
    </label>
  );
  return (
    <form class="live-control" onSubmit={apply} aria-label={t("liveControl")}>
      {field(t("concurrency"), workers, setWorkers, 50, 1)}
      {interval.mode === "fixed"
        ? field(t("fixedMs"), fixedMs, setFixedMs, 60_000)
        : [field(t("minMs"), minMs, setMinMs, 60_000), field(t("maxMs"), maxMs, setMaxMs, 60_000)]}
      <button type="submit" disabled={busy}>
        {t("applyNow")}
      </button>
      <output class="muted" data-testid="live-settings">
        {t("liveSettings", {
          concurrency,
          interval: interval.mode === "fixed" ? `${interval.ms} ms` : `${interval.minMs}–${interval.maxMs} ms`,
        })}
      </output>
    </form>
  );
}
