import { useState } from "preact/hooks";
import { Dialog } from "../components/dialog.js";
import { ApiError, api, errorText } from "../lib/api.js";
import { t } from "../lib/i18n.js";
import type { AddKeysResult, CheckResult } from "../lib/types.js";
import { CheckProgress } from "./check-progress.js";

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
        <div class="field">
          <label for="add-baseurl">{t("baseURLOptional")}</label>
          <input
            id="add-baseurl"
            type="url"
            value={baseURL}
            onInput={(e) => setBaseURL((e.target as HTMLInputElement).value)}
          />
        </div>
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
