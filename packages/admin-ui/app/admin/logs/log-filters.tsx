import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { t } from "../../lib/i18n.js";
import type { TokenRecord } from "../../lib/types.js";
import { LOG_RANGES, type LogFilterFields, type LogRange, NO_LOG_FILTERS } from "./log-query.js";

const RANGE_LABELS = {
  "": "logRangeAll",
  "15m": "logRange15m",
  "1h": "logRange1h",
  "24h": "logRange24h",
  "7d": "logRange7d",
} as const;
const RANGES = ["", ...Object.keys(LOG_RANGES)] as LogRange[];

type TextField = "provider" | "model" | "status" | "slowMs" | "range" | "token" | "key";

/** The filter form, showing `value` (the page URL's filters); text fields apply on Apply, selects and checkboxes at once. */
export function LogFilterBar({
  value,
  providers,
  tokens,
  onApply,
}: {
  value: LogFilterFields;
  providers: string[];
  tokens: Pick<TokenRecord, "id" | "name">[];
  onApply: (fields: LogFilterFields) => void;
}) {
  const [draft, setDraft] = useState<LogFilterFields>(value);
  // A new URL (back button, a shared link) shows its filters.
  useEffect(() => setDraft(value), [JSON.stringify(value)]);
  const text = (name: TextField) => ({
    id: `lf-${name}`,
    value: draft[name],
    onInput: (e: Event) => setDraft({ ...draft, [name]: (e.target as HTMLInputElement).value }),
  });
  const select = (name: "provider" | "range" | "token") => ({
    ...text(name),
    onChange: (e: Event) => {
      const next = { ...draft, [name]: (e.target as HTMLSelectElement).value };
      setDraft(next);
      onApply(next);
    },
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
  return (
    <form
      class="filters card"
      aria-label={t("filters")}
      onSubmit={(e) => {
        e.preventDefault();
        onApply(draft);
      }}
    >
      <Selects select={select} providers={providers} tokens={tokens} />
      <TextInputs text={text} />
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
        <button type="button" onClick={() => onApply(NO_LOG_FILTERS)}>
          {t("reset")}
        </button>
      </div>
    </form>
  );
}

/** The time range, provider and token selects. */
function Selects({
  select,
  providers,
  tokens,
}: {
  select: (name: "provider" | "range" | "token") => Record<string, unknown>;
  providers: string[];
  tokens: Pick<TokenRecord, "id" | "name">[];
}) {
  return (
    <>
      <Select id="range" label={t("logRange")} props={select("range")}>
        {RANGES.map((r) => (
          <option key={r} value={r}>
            {t(RANGE_LABELS[r])}
          </option>
        ))}
      </Select>
      <Select id="provider" label={t("provider")} props={select("provider")}>
        <option value="">{t("any")}</option>
        {providers.map((p) => (
          <option key={p} value={p}>
            {p}
          </option>
        ))}
      </Select>
      <Select id="token" label={t("logToken")} props={select("token")}>
        <option value="">{t("any")}</option>
        {tokens.map((tk) => (
          <option key={tk.id} value={tk.id}>
            {tk.name || tk.id}
          </option>
        ))}
      </Select>
    </>
  );
}

function Select({
  id,
  label,
  props,
  children,
}: {
  id: string;
  label: string;
  props: Record<string, unknown>;
  children: ComponentChildren;
}) {
  return (
    <div class="field">
      <label for={`lf-${id}`}>{label}</label>
      <select {...props}>{children}</select>
    </div>
  );
}

function TextInputs({ text }: { text: (name: TextField) => Record<string, unknown> }) {
  return (
    <>
      <div class="field">
        <label for="lf-key">{t("logKey")}</label>
        <input {...text("key")} />
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
    </>
  );
}
