/**
 * Runtime settings: read the effective values (never a hash), change them partially (zod
 * validated, applied at once, shared through storage). `guestPassword` arrives as plaintext and
 * is stored as a PBKDF2 hash; changing it ends every guest session.
 */
import { Hono } from "hono";
import type { SettingsRuntime } from "../settings/settings-runtime.js";
import type { GatewaySettings } from "../settings/settings-schema.js";
import { settingName } from "../settings/settings-schema.js";
import { errors } from "../spec/errors.js";
import type { Provider } from "../spec/provider.js";
import type { Storage } from "../spec/storage.js";
import { hashPassword } from "../util/crypto.js";
import { settingsPatchBody } from "./schemas/settings.js";
import type { SessionSigner } from "./session.js";
import { readJson } from "./validate.js";

export interface SettingsRoutesDeps {
  storage: Storage;
  settings: SettingsRuntime;
  sessions: SessionSigner;
  providers: ReadonlyMap<string, Provider>;
  passwordIterations: number;
  onStateChanged?: () => Promise<void>;
}

/** Settings as the API shows them: no hashes. */
export function publicSettings(settings: GatewaySettings) {
  const { guestPasswordHash, ...rest } = settings;
  return { ...rest, guestPasswordSet: guestPasswordHash !== undefined };
}

export function settingsRoutes(deps: SettingsRoutesDeps) {
  const app = new Hono();

  app.get("/", (c) => c.json(publicSettings(deps.settings.value)));

  app.patch("/", async (c) => {
    const { guestPassword, ...patch } = await readJson(c, settingsPatchBody);
    // `null` or "" clears the default (stored as null, so a configured default no longer applies).
    if (patch.defaultProvider === "") patch.defaultProvider = null;
    if (typeof patch.defaultProvider === "string" && !deps.providers.has(patch.defaultProvider)) {
      throw errors.badRequest(`Unknown provider '${patch.defaultProvider}'.`, "defaultProvider");
    }
    const update: Partial<GatewaySettings> = { ...patch };
    if (guestPassword) update.guestPasswordHash = await hashPassword(guestPassword, deps.passwordIterations);
    if (guestPassword === null) {
      // An invalid stored value falls back to the default (no guest password).
      await deps.storage.settings.set(settingName("guestPasswordHash"), null);
    }
    const next = await deps.settings.update(update);
    if (guestPassword !== undefined) await deps.sessions.bumpEpoch("guest");
    await deps.onStateChanged?.();
    return c.json(publicSettings(next));
  });

  return app;
}
