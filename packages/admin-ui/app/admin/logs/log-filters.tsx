import { useState } from "preact/hooks";
import type { ApiInit } from "../../lib/api.js";
import { t } from "../../lib/i18n.js";

/** What the admin set in the filter form, as typed. */
export interface LogFilterFields {
  provider: string;
  model: string;
  status: string;
  failed: boolean;
  slow: boolean;
  slowMs: string;
}

export const NO_LOG_FILTERS: LogFilterFields = {
  provider: "",
  model: "",
  status: "",
  failed: false,
  slow: false,
  slowMs: "1000",
};

/** The filters as the log routes take them (list, tail and export share them). */
export function logQuery(f: LogFilterFields): NonNullable<ApiInit["query"]> {
  return {
    provider: f.provider,
    model: f.model.trim(),
    status: f.status.trim(),
    failed: f.failed ? "true" : undefined,
    slowMs: f.slow && f.slowMs.trim() ? f.slowMs.trim() : undefined,
  };
}

/** The filter form; its fields apply on Apply, the two checkboxes at once. */
export function LogFilterBar({
  providers,
  onApply,
}: {
  providers: string[];
  onApply: (fields: LogFilterFields) => void;
}) {
  const [draft, setDraft] = useState<LogFilterFields>(NO_LOG_FILTERS);
  const text = (name: "provider" | "model" | "status" | "slowMs") => ({
    id: `lf-${name}`,
    value: draft[name],
    onInput: (e: Event) => setDraft({ ...draft, [name]: (e.target as HTMLInputElement).value }),
  });
  const check = (name: "failed" | "slow") => ({
    id: `lf-${name}`,
    type: "checkbox",
    checked: draft[name],
    onChange: (e: Event) => {
      const next = { ...draft, [name]: (e.target as HTMLInputElement).checked };
      setDraft(next);
      onApply(next);
    },
  });

  const reset = () => {
    setDraft(NO_LOG_FILTERS);
    onApply(NO_LOG_FILTERS);
  };

  return (
    <form
      class="filters card"
      aria-label={t("filters")}
      onSubmit={(e) => {
        e.preventDefault();
        onApply(draft);
      }}
    >
      <div class="field">
        <label for="lf-provider">{t("provider")}</label>
        <select {...text("provider")} onChange={text("provider").onInput}>
          <option value="">{t("any")}</option>
          {providers.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="lf-model">{t("logModel")}</label>
        <input {...text("model")} />
      </div>
      <div class="field narrow">
        <label for="lf-status">{t("logStatusFilter")}</label>
        <input {...text("status")} />
      </div>
      <div class="field narrow">
        <label for="lf-slowMs">{t("logSlowMs")}</label>
        <input type="number" min={0} {...text("slowMs")} />
      </div>
      <div class="field buttons log-checks">
        <label>
          <input {...check("failed")} /> {t("logFailedOnly")}
        </label>
        <label>
          <input {...check("slow")} /> {t("logSlowOnly")}
        </label>
      </div>
      <div class="field buttons">
        <button type="submit" class="primary">
          {t("apply")}
        </button>
        <button type="button" onClick={reset}>
          {t("reset")}
        </button>
      </div>
    </form>
  );
}
