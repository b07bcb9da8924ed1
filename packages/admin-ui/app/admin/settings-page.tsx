import { useEffect, useState } from "preact/hooks";
import { ApiError, api, errorText } from "../lib/api.js";
import { type Key as TextKey, t } from "../lib/i18n.js";
import { AdminAccess } from "./admin-access.js";
import { useFetch } from "./use-fetch.js";

type Settings = Record<string, unknown> & { guestPasswordSet?: boolean; freeModels?: Record<string, string[]> };

type FieldDef =
  | { name: string; kind: "number"; min?: number; max?: number; step?: number }
  | { name: string; kind: "select"; options: string[] }
  | { name: string; kind: "boolean" }
  | { name: string; kind: "text" };

/** Every setting of the admin API (settings-schema.ts), grouped as admins think of them. */
const GROUPS: { title: TextKey; fields: FieldDef[] }[] = [
  {
    title: "groupPublic",
    fields: [
      { name: "accessMode", kind: "select", options: ["open", "restricted", "private"] },
      { name: "pageSize", kind: "number", min: 5, max: 500 },
    ],
  },
  {
    title: "groupRouting",
    fields: [
      {
        name: "strategy",
        kind: "select",
        options: ["random", "round-robin", "weighted", "weighted-balance", "least-recently-used"],
      },
      { name: "retries", kind: "number", min: 0, max: 10 },
      { name: "deadlineMs", kind: "number", min: 1000, max: 600_000 },
      { name: "maxCooldownWaitMs", kind: "number", min: 0, max: 60_000 },
      { name: "cooldownBaseMs", kind: "number", min: 100, max: 3_600_000 },
      { name: "cooldownMaxMs", kind: "number", min: 1000, max: 86_400_000 },
      { name: "defaultProvider", kind: "text" },
      { name: "clientKeyPassThrough", kind: "boolean" },
    ],
  },
  {
    title: "groupChecks",
    fields: [
      { name: "balanceThreshold", kind: "number", min: 0, step: 0.01 },
      { name: "recheckInvalidMs", kind: "number", min: 60_000 },
      { name: "recheckExhaustedMs", kind: "number", min: 60_000 },
      { name: "recheckActiveMs", kind: "number", min: 60_000 },
      { name: "historyRetentionDays", kind: "number", min: 1, max: 3650 },
    ],
  },
];

const freeModelsToText = (value: Record<string, string[]> | undefined) =>
  Object.entries(value ?? {})
    .map(([provider, models]) => `${provider}: ${models.join(", ")}`)
    .join("\n");

function textToFreeModels(text: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const line of text.split("\n")) {
    const [provider, models] = line.split(/:(.*)/s);
    if (!provider?.trim()) continue;
    out[provider.trim()] = (models ?? "")
      .split(/[,\s]+/)
      .map((m) => m.trim())
      .filter(Boolean);
  }
  return out;
}

export function SettingsPage() {
  const current = useFetch(() => api<Settings>("/admin/api/settings"), []);
  const [draft, setDraft] = useState<Record<string, string | boolean>>({});
  const [freeModels, setFreeModels] = useState("");
  const [guestPassword, setGuestPassword] = useState("");
  const [error, setError] = useState<{ text: string; param?: string } | null>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    if (!current.data) return;
    const next: Record<string, string | boolean> = {};
    for (const group of GROUPS)
      for (const f of group.fields) {
        const v = current.data[f.name];
        next[f.name] = f.kind === "boolean" ? Boolean(v) : v === undefined || v === null ? "" : String(v);
      }
    setDraft(next);
    setFreeModels(freeModelsToText(current.data.freeModels));
  }, [current.data]);

  const save = async (event: Event) => {
    event.preventDefault();
    setError(null);
    setSaved(false);
    const patch: Record<string, unknown> = {};
    for (const group of GROUPS)
      for (const f of group.fields) {
        const v = draft[f.name];
        const value =
          f.kind === "number" ? (v === "" ? undefined : Number(v)) : f.kind === "text" && v === "" ? undefined : v;
        const old = current.data?.[f.name];
        if (value !== undefined && value !== old) patch[f.name] = value;
      }
    const models = textToFreeModels(freeModels);
    if (JSON.stringify(models) !== JSON.stringify(current.data?.freeModels ?? {})) patch.freeModels = models;
    if (guestPassword) patch.guestPassword = guestPassword;
    try {
      const next = await api<Settings>("/admin/api/settings", { method: "PATCH", json: patch });
      current.setData(next);
      setGuestPassword("");
      setSaved(true);
    } catch (e) {
      setError({ text: errorText(e), param: e instanceof ApiError ? e.param : undefined });
    }
  };

  const fieldError = (name: string) =>
    error?.param?.split(".")[0] === name ? (
      <small class="error" id={`err-${name}`} role="alert">
        {error.text}
      </small>
    ) : null;

  const control = (f: FieldDef) => {
    const common = {
      id: `set-${f.name}`,
      "aria-invalid": error?.param?.split(".")[0] === f.name,
      "aria-describedby": error?.param?.split(".")[0] === f.name ? `err-${f.name}` : undefined,
    };
    if (f.kind === "boolean")
      return (
        <label class="check">
          <input
            type="checkbox"
            {...common}
            checked={Boolean(draft[f.name])}
            onChange={(e) => setDraft({ ...draft, [f.name]: (e.target as HTMLInputElement).checked })}
          />
          {t(`setting_${f.name}` as TextKey)}
        </label>
      );
    const label = <label for={common.id}>{t(`setting_${f.name}` as TextKey)}</label>;
    if (f.kind === "select")
      return (
        <>
          {label}
          <select
            {...common}
            value={String(draft[f.name] ?? "")}
            onChange={(e) => setDraft({ ...draft, [f.name]: (e.target as HTMLSelectElement).value })}
          >
            {f.options.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </>
      );
    return (
      <>
        {label}
        <input
          {...common}
          type={f.kind === "number" ? "number" : "text"}
          min={f.kind === "number" ? f.min : undefined}
          max={f.kind === "number" ? f.max : undefined}
          step={f.kind === "number" ? (f.step ?? 1) : undefined}
          value={String(draft[f.name] ?? "")}
          onInput={(e) => setDraft({ ...draft, [f.name]: (e.target as HTMLInputElement).value })}
        />
      </>
    );
  };

  return (
    <section aria-labelledby="settings-title">
      <div class="page-head">
        <h1 id="settings-title">{t("navSettings")}</h1>
      </div>
      {current.error && <p class="error">{current.error}</p>}
      {current.data && (
        <form onSubmit={save} noValidate>
          {GROUPS.map((group) => (
            <fieldset class="card form-grid" key={group.title}>
              <legend>{t(group.title)}</legend>
              {group.fields.map((f) => (
                <div class="field" key={f.name}>
                  {control(f)}
                  {fieldError(f.name)}
                </div>
              ))}
              {group.title === "groupPublic" && (
                <div class="field">
                  <label for="set-guestPassword">
                    {t("setting_guestPassword")} ({current.data?.guestPasswordSet ? t("isSet") : t("notSet")})
                  </label>
                  <input
                    id="set-guestPassword"
                    type="password"
                    autocomplete="new-password"
                    value={guestPassword}
                    onInput={(e) => setGuestPassword((e.target as HTMLInputElement).value)}
                  />
                  {fieldError("guestPassword")}
                </div>
              )}
              {group.title === "groupRouting" && (
                <div class="field full">
                  <label for="set-freeModels">{t("setting_freeModels")}</label>
                  <textarea
                    id="set-freeModels"
                    class="mono"
                    rows={3}
                    value={freeModels}
                    onInput={(e) => setFreeModels((e.target as HTMLTextAreaElement).value)}
                  />
                  <small class="muted">{t("freeModelsHint")}</small>
                  {fieldError("freeModels")}
                </div>
              )}
            </fieldset>
          ))}
          {error && (
            <p class="error" role="alert" data-testid="settings-error">
              {error.param ? `${error.param}: ` : ""}
              {error.text}
            </p>
          )}
          {saved && <output class="notice">{t("saved")}</output>}
          <button type="submit" class="primary">
            {t("save")}
          </button>
        </form>
      )}
      <PasswordForm />
      <AdminAccess />
    </section>
  );
}

/** Change the admin password — unless the deployment's configuration sets it (then the form explains and is disabled). */
function PasswordForm() {
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
