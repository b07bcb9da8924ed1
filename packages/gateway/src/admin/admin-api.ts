/**
 * The admin surface mounted at the gateway root: `/admin/api/*` (admin only), `/metrics`
 * (admin or token), and the public key page API (`/public/api/*`, per access mode).
 * See packages/gateway/ADMIN-API.md for the routes.
 */
import { Hono } from "hono";
import type { KeyPool } from "../pool/key-pool.js";
import type { RecheckOptions, RecheckReport } from "../pool/recheck.js";
import type { UsageMeter } from "../pool/usage-meter.js";
import type { ProxyOutcome } from "../proxy/pipeline.js";
import type { SettingsRuntime } from "../settings/settings-runtime.js";
import type { Provider } from "../spec/provider.js";
import type { Storage } from "../spec/storage.js";
import { adminAuth } from "./admin-auth.js";
import { keysRoutes } from "./keys-routes.js";

export interface AdminApiDeps {
  storage: Storage;
  pool: KeyPool;
  providers: ReadonlyMap<string, Provider>;
  settings: SettingsRuntime;
  usage: UsageMeter;
  recheck: (options?: RecheckOptions) => Promise<RecheckReport>;
  now: () => number;
}

export interface AdminApi {
  /** Mounted at `/` before the proxy routes. */
  app: Hono;
  /** Sees every proxied request's outcome (metrics). */
  observe(outcome: ProxyOutcome): void;
}

export function createAdminApi(deps: AdminApiDeps): AdminApi {
  const app = new Hono();
  const admin = new Hono();
  admin.use("*", adminAuth(deps.storage));
  admin.route("/keys", keysRoutes({ storage: deps.storage, pool: deps.pool, providers: deps.providers, now: deps.now }));
  app.route("/admin/api", admin);
  return { app, observe: () => {} };
}
