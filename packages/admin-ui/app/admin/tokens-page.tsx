import { useState } from "preact/hooks";
import { CopyButton } from "../components/copy-button.js";
import { Confirm, Dialog } from "../components/dialog.js";
import { ApiError, api, errorText } from "../lib/api.js";
import { formatDate, formatNumber } from "../lib/format.js";
import { t } from "../lib/i18n.js";
import type { TokenRecord } from "../lib/types.js";
import { useFetch } from "./use-fetch.js";

const list = (s: string) =>
  s
    .split(/[,\s]+/)
    .map((x) => x.trim())
    .filter(Boolean);

export function TokensPage() {
  const tokens = useFetch(() => api<{ data: TokenRecord[] }>("/admin/api/tokens"), []);
  const [created, setCreated] = useState<string | null>(null);
  const [revoke, setRevoke] = useState<TokenRecord | null>(null);
  const [form, setForm] = useState({
    name: "",
    expiresAt: "",
    models: "",
    providers: "",
    rpm: "",
    dailyRequests: "",
    dailyTokens: "",
  });
  const [error, setError] = useState<{ text: string; param?: string } | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    const num = (v: string) => (v.trim() === "" ? undefined : Number(v));
    try {
      const result = await api<{ token: string }>("/admin/api/tokens", {
        json: {
          name: form.name.trim(),
          expiresAt: form.expiresAt ? new Date(form.expiresAt).getTime() : undefined,
          models: form.models.trim() ? list(form.models) : undefined,
          providers: form.providers.trim() ? list(form.providers) : undefined,
          rpm: num(form.rpm),
          dailyRequests: num(form.dailyRequests),
          dailyTokens: num(form.dailyTokens),
        },
      });
      setCreated(result.token);
      setForm({ name: "", expiresAt: "", models: "", providers: "", rpm: "", dailyRequests: "", dailyTokens: "" });
      tokens.reload();
    } catch (e) {
      setError({ text: errorText(e), param: e instanceof ApiError ? e.param : undefined });
    }
  };

  const field = (name: keyof typeof form, label: string, type = "text") => (
    <div class="field">
      <label for={`tok-${name}`}>{label}</label>
      <input
        id={`tok-${name}`}
        type={type}
        min={type === "number" ? 0 : undefined}
        required={name === "name"}
        aria-invalid={error?.param === name}
        value={form[name]}
        onInput={(e) => setForm({ ...form, [name]: (e.target as HTMLInputElement).value })}
      />
      {error?.param === name && <small class="error">{error.text}</small>}
    </div>
  );

  return (
    <section aria-labelledby="tokens-title">
      <div class="page-head">
        <h1 id="tokens-title">{t("navTokens")}</h1>
      </div>
      <form class="card form-grid" onSubmit={submit} aria-label={t("createToken")}>
        <h2 class="full">{t("createToken")}</h2>
        {field("name", t("name"))}
        {field("expiresAt", t("expiresAt"), "datetime-local")}
        {field("models", t("allowedModels"))}
        {field("providers", t("allowedProviders"))}
        {field("rpm", t("rpm"), "number")}
        {field("dailyRequests", t("dailyRequests"), "number")}
        {field("dailyTokens", t("dailyTokens"), "number")}
        {error &&
          !["name", "expiresAt", "models", "providers", "rpm", "dailyRequests", "dailyTokens"].includes(
            error.param ?? "",
          ) && (
            <p class="error full" role="alert">
              {error.text}
            </p>
          )}
        <div class="full buttons">
          <button type="submit" class="primary">
            {t("create")}
          </button>
        </div>
      </form>

      {tokens.error && <p class="error">{tokens.error}</p>}
      <div class="table-wrap card">
        <table>
          <thead>
            <tr>
              <th scope="col">{t("name")}</th>
              <th scope="col">{t("token")}</th>
              <th scope="col">{t("scopes")}</th>
              <th scope="col">{t("limits")}</th>
              <th scope="col" class="num">
                {t("usageToday")}
              </th>
              <th scope="col">{t("expiresAt")}</th>
              <th scope="col">{t("actions")}</th>
            </tr>
          </thead>
          <tbody>
            {(tokens.data?.data ?? []).map((tok) => (
              <tr key={tok.id} class={tok.revokedAt ? "muted" : undefined}>
                <td>{tok.name}</td>
                <td class="mono">{tok.hint}</td>
                <td>
                  {tok.models?.length ? `${t("models")}: ${tok.models.join(", ")}` : t("allModels")}
                  <br />
                  {tok.providers?.length ? `${t("providers")}: ${tok.providers.join(", ")}` : t("allProviders")}
                </td>
                <td>
                  {[
                    tok.rpm ? `${tok.rpm} rpm` : null,
                    tok.dailyRequests ? `${tok.dailyRequests} ${t("reqPerDay")}` : null,
                    tok.dailyTokens ? `${tok.dailyTokens} ${t("tokPerDay")}` : null,
                  ]
                    .filter(Boolean)
                    .join(" · ") || t("unlimited")}
                </td>
                <td class="num">
                  {formatNumber(tok.usage?.requests ?? 0, 0)} / {formatNumber(tok.usage?.totalTokens ?? 0, 0)} tok
                </td>
                <td>
                  {tok.revokedAt ? t("revoked") : tok.state === "expired" ? t("expired") : formatDate(tok.expiresAt)}
                </td>
                <td>
                  {!tok.revokedAt && (
                    <button type="button" class="small danger" onClick={() => setRevoke(tok)}>
                      {t("revoke")}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {tokens.data?.data.length === 0 && <p class="empty">{t("noTokens")}</p>}
      </div>

      {created && (
        <Dialog title={t("tokenCreated")} onClose={() => setCreated(null)}>
          <p>{t("tokenShownOnce")}</p>
          <p>
            <code class="secret" data-testid="new-token">
              {created}
            </code>
          </p>
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
            api(`/admin/api/tokens/${encodeURIComponent(revoke.id)}`, { method: "DELETE" }).then(tokens.reload, (e) =>
              setError({ text: errorText(e) }),
            )
          }
        />
      )}
    </section>
  );
}
