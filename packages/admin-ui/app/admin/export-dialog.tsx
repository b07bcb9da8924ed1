import { useState } from "preact/hooks";
import { copyText } from "../components/copy-button.js";
import { Dialog } from "../components/dialog.js";
import { buildUrl, errorText, request } from "../lib/api.js";
import { t } from "../lib/i18n.js";
import type { KeyFilter } from "../lib/types.js";

const FORMATS = ["keys", "key-balance", "csv", "json"] as const;
const SEPARATORS = ["newline", "comma", "space", "semicolon", "tab", "custom"] as const;
const PREVIEW_LINES = 200;

type Scope = "all" | "valid" | "min-balance" | "selected";

export function ExportDialog({
  filter,
  selectedIds,
  onClose,
}: {
  filter: KeyFilter;
  /** Ids picked in the table; null when "all matching" is selected (the filter applies). */
  selectedIds: string[] | null;
  onClose: () => void;
}) {
  const [format, setFormat] = useState<(typeof FORMATS)[number]>("keys");
  const [separator, setSeparator] = useState<(typeof SEPARATORS)[number]>("newline");
  const [custom, setCustom] = useState("");
  const [scope, setScope] = useState<Scope>(selectedIds?.length ? "selected" : "all");
  const [minBalance, setMinBalance] = useState("10");
  const [reveal, setReveal] = useState(true);
  const [text, setText] = useState<string | null>(null);
  const [status, setStatus] = useState<{ text: string; error?: boolean } | null>(null);

  const query = (download = false) => ({
    format,
    separator,
    custom: separator === "custom" ? custom : undefined,
    filter: scope,
    minBalance: scope === "min-balance" ? minBalance : undefined,
    ids: scope === "selected" ? (selectedIds ?? []).join(",") : undefined,
    provider: scope === "selected" ? undefined : filter.provider,
    tag: scope === "selected" ? undefined : filter.tag,
    reveal: reveal ? "true" : undefined,
    download: download ? "true" : undefined,
  });

  const load = async () => {
    setStatus(null);
    try {
      const body = await (await request("/admin/api/export", { query: query() })).text();
      setText(body);
      return body;
    } catch (e) {
      setStatus({ text: errorText(e), error: true });
      return null;
    }
  };

  const copy = async () => {
    const body = text ?? (await load());
    if (body === null) return;
    try {
      await copyText(body);
      setStatus({ text: t("copied") });
    } catch {
      setStatus({ text: t("copyFailed"), error: true });
    }
  };

  const customInvalid = separator === "custom" && (custom.length === 0 || custom.length > 10);
  const lines = text?.split("\n") ?? [];
  const preview = lines.length > PREVIEW_LINES ? `${lines.slice(0, PREVIEW_LINES).join("\n")}\n…` : (text ?? "");

  return (
    <Dialog title={t("export")} onClose={onClose} wide>
      <form
        class="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          load();
        }}
        onChange={() => setText(null)}
      >
        <div class="field">
          <label for="exp-format">{t("format")}</label>
          <select
            id="exp-format"
            value={format}
            onChange={(e) => setFormat((e.target as HTMLSelectElement).value as typeof format)}
          >
            {FORMATS.map((f) => (
              <option key={f} value={f}>
                {t(`format_${f}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="exp-separator">{t("separator")}</label>
          <select
            id="exp-separator"
            value={separator}
            disabled={format === "csv" || format === "json"}
            onChange={(e) => setSeparator((e.target as HTMLSelectElement).value as typeof separator)}
          >
            {SEPARATORS.map((s) => (
              <option key={s} value={s}>
                {t(`sep_${s}`)}
              </option>
            ))}
          </select>
        </div>
        {separator === "custom" && (
          <div class="field">
            <label for="exp-custom">{t("customSeparator")}</label>
            <input
              id="exp-custom"
              maxLength={10}
              value={custom}
              aria-invalid={customInvalid}
              onInput={(e) => setCustom((e.target as HTMLInputElement).value)}
            />
            {customInvalid && <small class="error">{t("customSeparatorHint")}</small>}
          </div>
        )}
        <fieldset class="full">
          <legend>{t("exportWhich")}</legend>
          {(["all", "valid", "min-balance", "selected"] as const).map((s) => (
            <label class="check" key={s}>
              <input
                type="radio"
                name="exp-scope"
                value={s}
                checked={scope === s}
                disabled={s === "selected" && !selectedIds?.length}
                onChange={() => setScope(s)}
              />
              {s === "selected" ? t("scope_selected", { n: selectedIds?.length ?? 0 }) : t(`scope_${s}`)}
            </label>
          ))}
          {scope === "min-balance" && (
            <div class="field narrow">
              <label for="exp-min">{t("threshold")}</label>
              <input
                id="exp-min"
                type="number"
                step="any"
                value={minBalance}
                onInput={(e) => setMinBalance((e.target as HTMLInputElement).value)}
              />
            </div>
          )}
        </fieldset>
        <label class="check full">
          <input type="checkbox" checked={reveal} onChange={(e) => setReveal((e.target as HTMLInputElement).checked)} />
          {t("revealSecrets")}
        </label>
        <div class="full buttons">
          <button type="submit" disabled={customInvalid}>
            {t("preview")}
          </button>
          <button type="button" disabled={customInvalid} onClick={copy}>
            {t("copyAll")}
          </button>
          <a
            class={customInvalid ? "button disabled" : "button primary"}
            href={buildUrl("/admin/api/export", query(true))}
            download
          >
            {t("download")}
          </a>
        </div>
      </form>
      {status && <output class={status.error ? "error" : "notice"}>{status.text}</output>}
      {text !== null && (
        <div class="field">
          <label for="exp-preview">{t("previewLabel", { n: text === "" ? 0 : lines.length })}</label>
          <textarea id="exp-preview" class="mono" rows={10} readOnly value={preview} />
        </div>
      )}
    </Dialog>
  );
}
