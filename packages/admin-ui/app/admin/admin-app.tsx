import { useEffect, useState } from "preact/hooks";
import { Toggles } from "../components/toggles.js";
import { api, sessionExpired } from "../lib/api.js";
import { lang, t } from "../lib/i18n.js";
import { linkClick, navigate, useLocation } from "../lib/router.js";
import { useStore } from "../lib/store.js";
import { Dashboard } from "./dashboard/dashboard.js";
import { KeysPage } from "./keys/keys-page.js";
import { LoginPage } from "./login-page.js";
import { LogsPage } from "./logs/logs-page.js";
import { SettingsPage } from "./settings/settings-page.js";
import { TokensPage } from "./tokens-page.js";

const PAGES = [
  { path: "/admin", label: "navDashboard", Page: Dashboard },
  { path: "/admin/keys", label: "navKeys", Page: KeysPage },
  { path: "/admin/tokens", label: "navTokens", Page: TokensPage },
  { path: "/admin/logs", label: "navLogs", Page: LogsPage },
  { path: "/admin/settings", label: "navSettings", Page: SettingsPage },
] as const;

type Auth = "unknown" | "in" | "out";

export function AdminApp() {
  useStore(lang);
  const { path, search } = useLocation();
  const expired = useStore(sessionExpired);
  const [auth, setAuth] = useState<Auth>("unknown");

  useEffect(() => {
    api("/admin/api/session", { quiet401: true })
      .then(() => setAuth("in"))
      .catch(() => setAuth("out"));
  }, []);

  // A 401 from any call: back to the login page, remembering where the admin was.
  useEffect(() => {
    if (!expired || path === "/admin/login") return;
    setAuth("out");
    navigate(`/admin/login?expired=1&next=${encodeURIComponent(path + search)}`, true);
  }, [expired, path, search]);

  useEffect(() => {
    if (auth === "out" && path !== "/admin/login") {
      navigate(`/admin/login?next=${encodeURIComponent(path + search)}`, true);
    }
  }, [auth, path, search]);

  if (auth === "unknown") return <p class="loading">{t("loading")}</p>;
  if (path === "/admin/login" || auth === "out") {
    const params = new URLSearchParams(search);
    return (
      <LoginPage
        expired={params.has("expired")}
        onLoggedIn={() => {
          sessionExpired.set(false);
          setAuth("in");
          const next = params.get("next");
          navigate(next?.startsWith("/admin") && !next.startsWith("/admin/login") ? next : "/admin", true);
        }}
      />
    );
  }

  const normalized = path.replace(/\/+$/, "") || "/admin";
  const page = PAGES.find((p) => p.path === normalized);
  const logout = async () => {
    await api("/admin/api/logout", { method: "POST", quiet401: true }).catch(() => {});
    setAuth("out");
    navigate("/admin/login", true);
  };
  return (
    <div class="shell">
      <a class="skip" href="#main">
        {t("skipToContent")}
      </a>
      <header class="topbar">
        <a class="brand" href="/admin" onClick={linkClick}>
          Keyhive
        </a>
        <nav aria-label={t("mainNav")}>
          {PAGES.map((p) => (
            <a key={p.path} href={p.path} onClick={linkClick} aria-current={p.path === normalized ? "page" : undefined}>
              {t(p.label)}
            </a>
          ))}
          <a href="/">{t("navPublic")}</a>
        </nav>
        <div class="topbar-end">
          <Toggles />
          <button type="button" class="small" onClick={logout}>
            {t("logout")}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {page ? <page.Page /> : <p>{t("notFound")}</p>}
      </main>
    </div>
  );
}
