import { useState } from "preact/hooks";
import { Toggles } from "../components/toggles.js";
import { ApiError, api } from "../lib/api.js";
import { t } from "../lib/i18n.js";

export function LoginPage({ expired, onLoggedIn }: { expired: boolean; onLoggedIn: () => void }) {
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api("/admin/api/login", { json: { password }, quiet401: true });
      onLoggedIn();
    } catch (e) {
      setError(
        e instanceof ApiError && e.status === 401
          ? t("wrongPassword")
          : e instanceof ApiError && e.status === 429
            ? t("tooManyAttempts")
            : String((e as Error).message),
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="login">
      <div class="login-top">
        <Toggles />
      </div>
      <form class="card login-card" onSubmit={submit}>
        <h1>{t("loginTitle")}</h1>
        {expired && <output class="notice">{t("sessionExpired")}</output>}
        <label for="admin-password">{t("adminPassword")}</label>
        <input
          id="admin-password"
          type="password"
          autocomplete="current-password"
          required
          value={password}
          onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
        />
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t("signingIn") : t("signIn")}
        </button>
      </form>
    </div>
  );
}
