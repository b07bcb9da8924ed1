import { type Key as TextKey, t } from "../../lib/i18n.js";
import type { FieldDef } from "./settings-fields.js";
import type { SettingsError } from "./use-settings-form.js";

/** One setting's label and input; an invalid one points at its error message for screen readers. */
export function SettingControl({
  field: f,
  value,
  invalid,
  onChange,
}: {
  field: FieldDef;
  value: string | boolean | undefined;
  invalid: boolean;
  onChange: (value: string | boolean) => void;
}) {
  const common = {
    id: `set-${f.name}`,
    "aria-invalid": invalid,
    "aria-describedby": invalid ? `err-${f.name}` : undefined,
  };
  const text = t(`setting_${f.name}` as TextKey);
  if (f.kind === "boolean")
    return (
      <label class="check">
        <input
          type="checkbox"
          {...common}
          checked={Boolean(value)}
          onChange={(e) => onChange((e.target as HTMLInputElement).checked)}
        />
        {text}
      </label>
    );
  const label = <label for={common.id}>{text}</label>;
  if (f.kind === "select")
    return (
      <>
        {label}
        <select
          {...common}
          value={String(value ?? "")}
          onChange={(e) => onChange((e.target as HTMLSelectElement).value)}
        >
          {f.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      </>
    );
  return (
    <>
      {label}
      <input
        {...common}
        type={f.kind === "number" ? "number" : "text"}
        min={f.kind === "number" ? f.min : undefined}
        max={f.kind === "number" ? f.max : undefined}
        step={f.kind === "number" ? (f.step ?? 1) : undefined}
        value={String(value ?? "")}
        onInput={(e) => onChange((e.target as HTMLInputElement).value)}
      />
    </>
  );
}

/** The validation message under the field it names (`pageSize`, or `freeModels` for `freeModels.x`). */
export function FieldError({ name, error }: { name: string; error: SettingsError | null }) {
  return error?.param?.split(".")[0] === name ? (
    <small class="error" id={`err-${name}`} role="alert">
      {error.text}
    </small>
  ) : null;
}
