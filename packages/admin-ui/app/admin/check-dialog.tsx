import { useState } from "preact/hooks";
import { Dialog } from "../components/dialog.js";
import { api, errorText } from "../lib/api.js";
import { t } from "../lib/i18n.js";
import type { CheckResult, KeyFilter } from "../lib/types.js";
import { CheckProgress } from "./check-progress.js";

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
