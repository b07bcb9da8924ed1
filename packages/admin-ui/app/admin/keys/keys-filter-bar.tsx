import { useState } from "preact/hooks";
import { t } from "../../lib/i18n.js";
import { statusLabel } from "../status-badge.js";
import { KEY_STATUSES, type KeyFilterFields, NO_FILTERS } from "./key-filters.js";

/** The filter form. It keeps what the admin types until Apply; Reset clears both the form and the filters. */
export function KeysFilterBar({
  providers,
  onApply,
}: {
  providers: string[];
  onApply: (fields: KeyFilterFields) => void;
}) {
  const [draft, setDraft] = useState<KeyFilterFields>(NO_FILTERS);
  const set = (name: keyof KeyFilterFields) => (e: Event) =>
    setDraft({ ...draft, [name]: (e.target as HTMLInputElement | HTMLSelectElement).value });
  const input = (name: keyof KeyFilterFields) => ({ id: `f-${name}`, value: draft[name], onInput: set(name) });

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
        <label for="f-q">{t("search")}</label>
        <input type="search" placeholder={t("searchPlaceholder")} {...input("q")} />
      </div>
      <div class="field">
        <label for="f-provider">{t("provider")}</label>
        <select {...input("provider")} onChange={set("provider")}>
          <option value="">{t("any")}</option>
          {providers.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="f-status">{t("status")}</label>
        <select {...input("status")} onChange={set("status")}>
          <option value="">{t("any")}</option>
          {KEY_STATUSES.map((s) => (
            <option key={s} value={s}>
              {statusLabel(s)}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="f-tag">{t("tag")}</label>
        <input {...input("tag")} />
      </div>
      <div class="field narrow">
        <label for="f-minBalance">{t("minBalance")}</label>
        <input type="number" step="any" {...input("minBalance")} />
      </div>
      <div class="field narrow">
        <label for="f-maxBalance">{t("maxBalance")}</label>
        <input type="number" step="any" {...input("maxBalance")} />
      </div>
      <div class="field buttons">
        <button type="submit" class="primary">
          {t("apply")}
        </button>
        <button
          type="button"
          onClick={() => {
            setDraft(NO_FILTERS);
            onApply(NO_FILTERS);
          }}
        >
          {t("reset")}
        </button>
      </div>
    </form>
  );
}
