import type { ChartConfiguration } from "chart.js";
import type { ComponentChildren } from "preact";
import { Chart } from "../../components/chart.js";
import { t } from "../../lib/i18n.js";

/** A titled dashboard card; `wide` spans both grid columns. */
export function Panel({ title, wide, children }: { title: string; wide?: boolean; children: ComponentChildren }) {
  return (
    <article class={wide ? "card panel wide" : "card panel"}>
      <h2>{title}</h2>
      {children}
    </article>
  );
}

export function Empty({ text }: { text?: string }) {
  return <p class="empty">{text ?? t("noData")}</p>;
}

/** A chart, or why there is none: the load error, or "no data" while its config is null. */
export function ChartOrEmpty({
  error,
  config,
  label,
}: {
  error?: string;
  config: ChartConfiguration | null;
  label: string;
}) {
  if (error) return <Empty text={error} />;
  return config ? <Chart config={config} label={label} /> : <Empty />;
}

/** The "filter outliers" checkbox the balance charts share. */
export function OutliersToggle({ checked, onChange }: { checked: boolean; onChange: (checked: boolean) => void }) {
  return (
    <label class="check">
      <input type="checkbox" checked={checked} onChange={(e) => onChange((e.target as HTMLInputElement).checked)} />
      {t("filterOutliers")}
    </label>
  );
}

/** A row of toggle buttons choosing one period. */
export function PeriodPicker<P extends string>({
  periods,
  value,
  label,
  onChange,
}: {
  periods: readonly P[];
  value: P;
  label: (period: P) => string;
  onChange: (period: P) => void;
}) {
  return (
    <fieldset aria-label={t("period")} class="segmented">
      {periods.map((p) => (
        <button type="button" key={p} aria-pressed={value === p} onClick={() => onChange(p)}>
          {label(p)}
        </button>
      ))}
    </fieldset>
  );
}
