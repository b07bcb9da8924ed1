import { useState } from "preact/hooks";
import { api, errorText } from "../../lib/api.js";
import { t } from "../../lib/i18n.js";
import { useFetch } from "../use-fetch.js";

/** Change the admin password — unless the deployment's configuration sets it (then the form explains and is disabled). */
export function PasswordForm() {
  const session = useFetch(() => api<{ passwordManagedByEnvironment?: boolean }>("/admin/api/session"), []);
  const managed = session.data?.passwordManagedByEnvironment === true;
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [message, setMessage] = useState<{ text: string; error?: boolean } | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    try {
      await api("/admin/api/password", { json: { current, next } });
      setMessage({ text: t("passwordChanged") });
      setCurrent("");
      setNext("");
    } catch (e) {
      setMessage({ text: errorText(e), error: true });
    }
  };
  return (
    <form class="card form-grid" onSubmit={submit}>
      <h2 class="full">{t("changePassword")}</h2>
      {managed && (
        <p class="notice full" id="pw-managed">
          {t("passwordManagedByEnvironment")}
        </p>
      )}
      <div class="field">
        <label for="pw-current">{t("currentPassword")}</label>
        <input
          id="pw-current"
          type="password"
          autocomplete="current-password"
          required
          disabled={managed}
          aria-describedby={managed ? "pw-managed" : undefined}
          value={current}
          onInput={(e) => setCurrent((e.target as HTMLInputElement).value)}
        />
      </div>
      <div class="field">
        <label for="pw-next">{t("newPassword")}</label>
        <input
          id="pw-next"
          type="password"
          autocomplete="new-password"
          required
          disabled={managed}
          aria-describedby={managed ? "pw-managed" : undefined}
          minLength={12}
          value={next}
          onInput={(e) => setNext((e.target as HTMLInputElement).value)}
        />
      </div>
      {message && <output class={message.error ? "error full" : "notice full"}>{message.text}</output>}
      <div class="full buttons">
        <button type="submit" disabled={managed}>
          {t("changePassword")}
        </button>
      </div>
    </form>
  );
}
