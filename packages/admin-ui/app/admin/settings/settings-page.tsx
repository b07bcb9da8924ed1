import { t } from "../../lib/i18n.js";
import { AdminAccess } from "../admin-access.js";
import { PasswordForm } from "./password-form.js";
import { FieldError, SettingControl } from "./setting-control.js";
import { SETTING_GROUPS } from "./settings-fields.js";
import { useSettingsForm } from "./use-settings-form.js";

/** The settings page: the gateway's settings by group, the admin password, and admin access tokens. */
export function SettingsPage() {
  const form = useSettingsForm();
  const { settings, error } = form;
  return (
    <section aria-labelledby="settings-title">
      <div class="page-head">
        <h1 id="settings-title">{t("navSettings")}</h1>
      </div>
      {form.loadError && <p class="error">{form.loadError}</p>}
      {settings && (
        <form onSubmit={form.save} noValidate>
          {SETTING_GROUPS.map((group) => (
            <fieldset class="card form-grid" key={group.title}>
              <legend>{t(group.title)}</legend>
              {group.fields.map((f) => (
                <div class="field" key={f.name}>
                  <SettingControl
                    field={f}
                    value={form.draft[f.name]}
                    invalid={form.invalidField === f.name}
                    onChange={(value) => form.setField(f.name, value)}
                  />
                  {f.name === "publicKeySharing" && (
                    <small
                      class={form.draft.publicKeySharing ? "error" : "muted"}
                      role={form.draft.publicKeySharing ? "alert" : undefined}
                      data-testid="sharing-warning"
                    >
                      {t("publicKeySharingWarning")}
                    </small>
                  )}
                  <FieldError name={f.name} error={error} />
                </div>
              ))}
              {group.title === "groupPublic" && (
                <div class="field">
                  <label for="set-guestPassword">
                    {t("setting_guestPassword")} ({settings.guestPasswordSet ? t("isSet") : t("notSet")})
                  </label>
                  <input
                    id="set-guestPassword"
                    type="password"
                    autocomplete="new-password"
                    value={form.guestPassword}
                    onInput={(e) => form.setGuestPassword((e.target as HTMLInputElement).value)}
                  />
                  <FieldError name="guestPassword" error={error} />
                </div>
              )}
              {group.title === "groupRouting" && (
                <div class="field full">
                  <label for="set-freeModels">{t("setting_freeModels")}</label>
                  <textarea
                    id="set-freeModels"
                    class="mono"
                    rows={3}
                    value={form.freeModels}
                    onInput={(e) => form.setFreeModels((e.target as HTMLTextAreaElement).value)}
                  />
                  <small class="muted">{t("freeModelsHint")}</small>
                  <FieldError name="freeModels" error={error} />
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
          {form.saved && <output class="notice">{t("saved")}</output>}
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
