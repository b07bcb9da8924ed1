import { useState } from "preact/hooks";
import { CopyButton } from "../components/copy-button.js";
import { Confirm, Dialog } from "../components/dialog.js";
import { api, errorText } from "../lib/api.js";
import { formatDate } from "../lib/format.js";
import { t } from "../lib/i18n.js";
import { useFetch } from "./use-fetch.js";

interface AdminToken {
  id: string;
  name: string;
  hint: string;
  createdAt: number;
}

/** Admin tokens for scripts, and backup / restore of the whole store. */
export function AdminAccess() {
  const tokens = useFetch(() => api<{ data: AdminToken[] }>("/admin/api/admin-tokens"), []);
  const [name, setName] = useState("");
  const [created, setCreated] = useState<string | null>(null);
  const [revoke, setRevoke] = useState<AdminToken | null>(null);
  const [message, setMessage] = useState<{ text: string; error?: boolean } | null>(null);

  const create = async (event: Event) => {
    event.preventDefault();
    try {
      const result = await api<{ token: string }>("/admin/api/admin-tokens", { json: { name: name.trim() } });
      setCreated(result.token);
      setName("");
      tokens.reload();
    } catch (e) {
      setMessage({ text: errorText(e), error: true });
    }
  };

  const restore = async (event: Event) => {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    try {
      const counts = await api<{ keys: number; tokens: number; settings: number }>("/admin/api/restore", {
        body: await file.text(),
        contentType: "application/x-ndjson",
      });
      setMessage({ text: t("restored", counts) });
    } catch (e) {
      setMessage({ text: errorText(e), error: true });
    } finally {
      input.value = "";
    }
  };

  return (
    <section class="card" aria-labelledby="admin-access-title">
      <h2 id="admin-access-title">{t("adminTokens")}</h2>
      <p class="muted">{t("adminTokensHint")}</p>
      <form class="inline-row" onSubmit={create}>
        <label for="admin-token-name">{t("name")}</label>
        <input
          id="admin-token-name"
          required
          maxLength={100}
          value={name}
          onInput={(e) => setName((e.target as HTMLInputElement).value)}
        />
        <button type="submit">{t("create")}</button>
      </form>
      {(tokens.data?.data.length ?? 0) > 0 && (
        <ul class="plain-list">
          {tokens.data?.data.map((tok) => (
            <li key={tok.id} class="inline-row">
              <strong>{tok.name}</strong> <code>{tok.hint}</code> <span class="muted">{formatDate(tok.createdAt)}</span>
              <button type="button" class="small danger" onClick={() => setRevoke(tok)}>
                {t("revoke")}
              </button>
            </li>
          ))}
        </ul>
      )}
      <h2>{t("backup")}</h2>
      <div class="actions">
        <a class="button" href="/admin/api/backup" download="keyhive-backup.jsonl">
          {t("downloadBackup")}
        </a>
        <label class="button" for="restore-file">
          {t("restoreBackup")}
        </label>
        <input id="restore-file" type="file" accept=".jsonl,.json,.txt" class="offscreen" onChange={restore} />
      </div>
      {message && <output class={message.error ? "error" : "notice"}>{message.text}</output>}
      {created && (
        <Dialog title={t("tokenCreated")} onClose={() => setCreated(null)}>
          <p>{t("tokenShownOnce")}</p>
          <code class="secret">{created}</code>
          <div class="buttons">
            <CopyButton text={created} class="primary" />
            <button type="button" onClick={() => setCreated(null)}>
              {t("close")}
            </button>
          </div>
        </Dialog>
      )}
      {revoke && (
        <Confirm
          message={t("confirmRevoke", { name: revoke.name })}
          confirmLabel={t("revoke")}
          danger
          onClose={() => setRevoke(null)}
          onConfirm={() =>
            api(`/admin/api/admin-tokens/${encodeURIComponent(revoke.id)}`, { method: "DELETE" }).then(
              tokens.reload,
              (e) => setMessage({ text: errorText(e), error: true }),
            )
          }
        />
      )}
    </section>
  );
}
