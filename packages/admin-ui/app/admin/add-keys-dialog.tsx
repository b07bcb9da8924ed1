import { useState } from "preact/hooks";
import { Dialog } from "../components/dialog.js";
import { ApiError, api, errorText } from "../lib/api.js";
import { t } from "../lib/i18n.js";
import type { AddKeysResult, CheckResult } from "../lib/types.js";
import { CheckProgress } from "./check-progress.js";

/** What `POST /admin/api/keys/import` answers (rejects name a line or item instead of a key). */
interface ImportResult extends Omit<AddKeysResult, "rejected"> {
  format: string;
  rejected: { line?: number; item?: number; key?: string; reason: string }[];
}

/** The import's answer in the add dialog's shape, a reject naming its line or item when no key. */
function asAddResult(imported: ImportResult): AddKeysResult {
  const where = (r: ImportResult["rejected"][number]) =>
    r.key ?? (r.line !== undefined ? `line ${r.line}` : `item ${r.item ?? "?"}`);
  return { ...imported, rejected: imported.rejected.map((r) => ({ key: where(r), reason: r.reason })) };
}

/** 128 random bits as hex (`crypto.randomUUID` needs a secure context; a LAN http URL is not one). */
function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `ui-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** After a network error: how far the job got, from its record (any instance keeps it). */
async function interruptedText(key: string): Promise<string> {
  try {
    const job = await api<{ done: number; total: number; state: string }>(
      `/admin/api/jobs/bulk/${encodeURIComponent(key)}`,
    );
    return t("addInterrupted", { done: job.done, total: job.total, state: job.state });
  } catch {
    return t("addInterruptedUnknown");
  }
}

export function AddKeysDialog({
  providers,
  onClose,
  onAdded,
  onResult,
  onCheckFinished,
}: {
  providers: string[];
  onClose: () => void;
  onAdded: (result: AddKeysResult) => void;
  onResult: (result: CheckResult) => void;
  onCheckFinished: () => void;
}) {
  const [text, setText] = useState("");
  const [provider, setProvider] = useState(providers[0] ?? "");
  const [baseURL, setBaseURL] = useState("");
  const [tags, setTags] = useState("");
  const [check, setCheck] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ text: string; param?: string } | null>(null);
  const [result, setResult] = useState<AddKeysResult | null>(null);
  // One Idempotency-Key per distinct submission: pressing Add again after a broken connection
  // resends the same body with the same key, so the gateway resumes or replays that job.
  const [attempt, setAttempt] = useState<{ key: string; body: string } | null>(null);
  // A loaded file goes through the import route, which reads Keyhive's exports (with balances)
  // and the seed tools' KV/D1 dumps as well as plain lists.
  const [fileName, setFileName] = useState<string | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    let key = "";
    try {
      const tagList = tags
        .split(/[,\s]+/)
        .map((s) => s.trim())
        .filter(Boolean);
      const json = {
        provider,
        keys: text,
        ...(baseURL.trim() ? { baseURL: baseURL.trim() } : {}),
        ...(tagList.length ? { tags: tagList } : {}),
        check,
      };
      if (fileName) {
        const imported = await api<ImportResult>("/admin/api/keys/import", {
          json: { provider, format: "auto", text, check, ...(tagList.length ? { tags: tagList } : {}) },
        });
        const added = asAddResult(imported);
        setResult(added);
        onAdded(added);
        return;
      }
      const body = JSON.stringify(json);
      key = attempt?.body === body ? attempt.key : newIdempotencyKey();
      setAttempt({ key, body });
      const added = await api<AddKeysResult>("/admin/api/keys", { json, headers: { "idempotency-key": key } });
      setAttempt(null);
      setResult(added);
      onAdded(added);
    } catch (e) {
      if (e instanceof ApiError) setError({ text: errorText(e), param: e.param });
      else setError({ text: await interruptedText(key) });
    } finally {
      setBusy(false);
    }
  };

  if (result) {
    return (
      <Dialog title={t("addKeys")} onClose={onClose} wide>
        <output data-testid="add-summary">
          {t("addSummary", {
            added: result.added.length,
            duplicates: result.duplicates.length,
            rejected: result.rejected.length,
          })}
        </output>
        {result.rejected.length > 0 && (
          <details open>
            <summary>{t("rejected")}</summary>
            <ul class="plain-list">
              {result.rejected.map((r) => (
                <li key={r.key}>
                  <code>{r.key}</code> — {r.reason}
                </li>
              ))}
            </ul>
          </details>
        )}
        {result.duplicates.length > 0 && (
          <details>
            <summary>{t("duplicates")}</summary>
            <ul class="plain-list">
              {result.duplicates.map((r) => (
                <li key={r.id}>
                  <code>{r.key}</code>
                </li>
              ))}
            </ul>
          </details>
        )}
        {result.check?.jobId && (
          <CheckProgress jobId={result.check.jobId} onResult={onResult} onFinished={onCheckFinished} />
        )}
        <div class="buttons">
          <button type="button" class="primary" onClick={onClose}>
            {t("close")}
          </button>
        </div>
      </Dialog>
    );
  }

  return (
    <Dialog title={t("addKeys")} onClose={onClose} wide>
      <form onSubmit={submit} class="form-grid">
        <div class="field full">
          <label for="add-keys-text">{t("keysToAdd")}</label>
          <textarea
            id="add-keys-text"
            rows={8}
            required
            spellcheck={false}
            class="mono"
            placeholder={t("keysPlaceholder")}
            value={text}
            onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
          />
          <small class="muted">{t("keysHint")}</small>
          <label class="file-pick">
            {t("importFile")}
            <input
              type="file"
              accept=".txt,.csv,.json,text/plain,text/csv,application/json"
              onChange={async (e) => {
                const file = (e.target as HTMLInputElement).files?.[0];
                if (!file) return;
                setText(await file.text());
                setFileName(file.name);
              }}
            />
          </label>
          {fileName && (
            <small class="muted" data-testid="import-file">
              {t("importFileLoaded", { name: fileName })}
            </small>
          )}
        </div>
        <div class="field">
          <label for="add-provider">{t("provider")}</label>
          <select
            id="add-provider"
            value={provider}
            onChange={(e) => setProvider((e.target as HTMLSelectElement).value)}
          >
            {providers.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </div>
        {/* The import route sets no base URL: a file's keys use the provider's. */}
        {!fileName && (
          <div class="field">
            <label for="add-baseurl">{t("baseURLOptional")}</label>
            <input
              id="add-baseurl"
              type="url"
              value={baseURL}
              onInput={(e) => setBaseURL((e.target as HTMLInputElement).value)}
            />
          </div>
        )}
        <div class="field">
          <label for="add-tags">{t("tagsOptional")}</label>
          <input id="add-tags" value={tags} onInput={(e) => setTags((e.target as HTMLInputElement).value)} />
        </div>
        <label class="check full">
          <input type="checkbox" checked={check} onChange={(e) => setCheck((e.target as HTMLInputElement).checked)} />
          {t("checkAfterAdding")}
        </label>
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
          <button type="submit" class="primary" disabled={busy || !provider}>
            {t("add")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
