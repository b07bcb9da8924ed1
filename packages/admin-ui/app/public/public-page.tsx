import { useEffect, useState } from "preact/hooks";
import { StatusBadge } from "../admin/status-badge.js";
import { CopyButton } from "../components/copy-button.js";
import { Toggles } from "../components/toggles.js";
import { ApiError, api, errorText } from "../lib/api.js";
import { formatNumber } from "../lib/format.js";
import { lang, t } from "../lib/i18n.js";
import { useStore } from "../lib/store.js";
import { type PublicInfo, providerId } from "../lib/types.js";
import { UsageGuide } from "./usage-guide.js";

interface PublicKey {
  key: string;
  provider?: string;
  status: string;
  balance?: number;
}

interface PublicKeys {
  data: PublicKey[];
  total: number;
  page: number;
  pageSize: number;
  totals?: { balance?: number; valid?: number; [name: string]: number | undefined };
}

/** The page at `/`: keys per access mode, and how to call this deployment. */
export function PublicApp() {
  useStore(lang);
  const [info, setInfo] = useState<PublicInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () =>
    api<PublicInfo>("/public/api/info").then(
      (i) => setInfo(i),
      (e) => setError(errorText(e)),
    );
  useEffect(() => {
    load();
  }, []);

  const baseURL = info?.baseURL || window.location.origin;
  return (
    <div class="shell public">
      <header class="topbar">
        <span class="brand">Keyhive</span>
        <nav aria-label={t("mainNav")}>
          <a href="/admin">{t("adminLink")}</a>
        </nav>
        <div class="topbar-end">
          <Toggles />
        </div>
      </header>
      <main id="main">
        <h1>{t("publicTitle")}</h1>
        {error && <p class="error">{error}</p>}
        {info && (
          <section class="card" data-access-mode={info.accessMode} aria-labelledby="pool-title">
            <h2 id="pool-title">{t("keyPool")}</h2>
            {info.accessMode === "private" ? (
              <p data-testid="private-notice">{t("privateNotice")}</p>
            ) : info.accessMode === "restricted" && !info.authenticated ? (
              <GuestLogin onDone={load} />
            ) : (
              <>
                {info.keySharing && <SharedKeys />}
                <PublicKeyList />
              </>
            )}
          </section>
        )}
        {info && <UsageGuide baseURL={baseURL} providers={info.providers.map(providerId)} />}
      </main>
    </div>
  );
}

function GuestLogin({ onDone }: { onDone: () => void }) {
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    try {
      await api("/public/api/login", { json: { password } });
      onDone();
    } catch (e) {
      setError(e instanceof ApiError && (e.status === 401 || e.status === 403) ? t("wrongPassword") : errorText(e));
    }
  };
  return (
    <form onSubmit={submit} class="inline-form" data-testid="guest-login">
      <p>{t("restrictedNotice")}</p>
      <label for="guest-password">{t("guestPassword")}</label>
      <input
        id="guest-password"
        type="password"
        required
        value={password}
        onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
      />
      <button type="submit" class="primary">
        {t("enter")}
      </button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

function balanceBand(balance: number | undefined | null) {
  if (balance === undefined || balance === null) return "none";
  if (balance <= 0) return "zero";
  if (balance < 10) return "low";
  if (balance < 100) return "mid";
  return "high";
}

/** Key sharing (opt-in by an admin): the full secrets of the valid keys, copied in one click. */
function SharedKeys() {
  const [shared, setShared] = useState<{ data: { key: string }[]; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<{ data: { key: string }[]; total: number }>("/public/api/keys/shared").then(setShared, (e) =>
      setError(errorText(e)),
    );
  }, []);
  if (error) return <p class="error">{error}</p>;
  if (!shared) return null;
  return (
    <p class="shared-keys" data-testid="shared-keys">
      {t("sharedKeysNotice", { n: shared.total })}{" "}
      <CopyButton text={shared.data.map((k) => k.key).join("\n")} label={t("copySharedKeys")} />
    </p>
  );
}

function PublicKeyList() {
  const [page, setPage] = useState(1);
  const [data, setData] = useState<PublicKeys | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<PublicKeys>("/public/api/keys", { query: { page } }).then(setData, (e) => setError(errorText(e)));
  }, [page]);
  if (error) return <p class="error">{error}</p>;
  if (!data) return <p class="loading">{t("loading")}</p>;
  const pages = Math.max(1, Math.ceil(data.total / (data.pageSize || 1)));
  return (
    <>
      <p data-testid="public-total">
        {t("totalKeys", { n: data.total })}
        {data.totals?.balance !== undefined ? ` · ${t("totalBalance")}: ${formatNumber(data.totals.balance)}` : ""}
      </p>
      {data.data.length === 0 ? (
        <p class="empty">{t("noKeys")}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("key")}</th>
                <th scope="col">{t("status")}</th>
                <th scope="col" class="num">
                  {t("balance")}
                </th>
              </tr>
            </thead>
            <tbody>
              {data.data.map((k, i) => (
                // Masked keys can collide: the position keeps rows distinct.
                <tr key={`${i}:${k.key}`}>
                  <td class="mono">{k.key}</td>
                  <td>
                    <StatusBadge status={k.status} />
                  </td>
                  <td class={`num band-${balanceBand(k.balance)}`}>{formatNumber(k.balance)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav class="pager" aria-label={t("pagination")}>
        <button type="button" class="small" disabled={page <= 1} onClick={() => setPage(page - 1)}>
          {t("prev")}
        </button>
        <span>
          {page} / {pages}
        </span>
        <button type="button" class="small" disabled={page >= pages} onClick={() => setPage(page + 1)}>
          {t("next")}
        </button>
      </nav>
    </>
  );
}
