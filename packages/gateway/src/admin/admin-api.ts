/**
 * The admin surface mounted at the gateway root: `/admin/api/*` and `/metrics` (admin only),
 * and the public key page API (`/public/api/*`, per access mode).
 * See packages/gateway/ADMIN-API.md for the routes.
 */
import { Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { RequestRecorder } from "../logs/request-recorder.js";
import type { KeyPool } from "../pool/key-pool.js";
import type { RecheckOptions, RecheckReport } from "../pool/recheck.js";
import type { UsageMeter } from "../pool/usage-meter.js";
import type { ProxyOutcome } from "../proxy/pipeline.js";
import type { WaitUntil } from "../runtime/wait-until.js";
import type { SettingsRuntime } from "../settings/settings-runtime.js";
import { errors } from "../spec/errors.js";
import type { Provider } from "../spec/provider.js";
import type { Storage } from "../spec/storage.js";
import { DEFAULT_PASSWORD_ITERATIONS } from "../util/crypto.js";
import { AdminCredentials, adminAuth } from "./admin-auth.js";
import { adminTokensRoutes } from "./admin-tokens-routes.js";
import { loginRoutes, sessionRoutes } from "./auth-routes.js";
import { backupRoutes } from "./backup-routes.js";
import { bulkJobRoutes } from "./bulk-job-routes.js";
import { BulkJobs } from "./bulk-jobs.js";
import { CheckJobs } from "./check-jobs.js";
import { checksRoutes } from "./checks-routes.js";
import { exportRoutes } from "./export-routes.js";
import { ID_ROUTES, validateIds } from "./ids.js";
import { importRoutes } from "./import-routes.js";
import { instanceRoutes } from "./instance-routes.js";
import { keysRoutes } from "./keys-routes.js";
import { LoginLimiter } from "./login-limiter.js";
import { logsRoutes } from "./logs-routes.js";
import { RequestMetrics } from "./metrics.js";
import { openApiDocument } from "./openapi.js";
import { ProxyTrust } from "./proxy-trust.js";
import { publicRoutes } from "./public-routes.js";
import { DEFAULT_SESSION_TTL_MS, SessionSigner } from "./session.js";
import { settingsRoutes } from "./settings-routes.js";
import { statsRoutes } from "./stats-routes.js";
import { timelineRoutes } from "./timeline-routes.js";
import { tokensRoutes } from "./tokens-routes.js";

export interface AdminApiDeps {
  storage: Storage;
  pool: KeyPool;
  providers: ReadonlyMap<string, Provider>;
  settings: SettingsRuntime;
  usage: UsageMeter;
  recheck: (options?: RecheckOptions) => Promise<RecheckReport>;
  now: () => number;
  /**
   * Pulls shared state (tokens, settings, keys) into this instance now; called after the admin
   * API changed tokens or settings so the proxy enforces the change at once.
   */
  onStateChanged?: () => Promise<void>;
  /**
   * Whether check jobs may run in the background, outliving the request that started them.
   * Workers pass false: jobs then advance only through `POST /admin/api/checks/:id/step`.
   * @default true
   */
  backgroundJobs?: boolean;
  /** PBKDF2 iterations of new password hashes (Workers: 100000; tests lower it). @default 600000 */
  passwordIterations?: number;
  /** Admin session lifetime (ms); longer-lived cookies are refused. @default 43200000 (12 h) */
  sessionTtlMs?: number;
  /** Password attempts allowed per client address and minute (10 × this across all clients). @default 5 */
  loginAttemptsPerMinute?: number;
  /** Which forwarding headers to believe, and the pinned public URL. @default new ProxyTrust() */
  trust?: ProxyTrust;
  /** Whether the admin password comes from configuration (then the API refuses to change it). */
  passwordManagedByEnvironment?: boolean;
  /** Brings shared state up to date when older than the refresh interval (session revocations). */
  refresh?: () => Promise<void>;
  /** Where errors of background work go. */
  onError?: (error: unknown) => void;
  /** When this instance last synced with storage (`GET /admin/api/instance`). */
  lastSyncAt?: () => number | undefined;
  /** The request log (`/admin/api/logs`) and structured lines; without, the log routes answer 404. */
  requests?: RequestRecorder;
}

export interface AdminApi {
  /** Mounted at `/` before the proxy routes. */
  app: Hono;
  /** Sees every proxied request's outcome (metrics). */
  observe(outcome: ProxyOutcome, waitUntil?: WaitUntil): void;
  /** Batch check jobs of this instance. */
  jobs: CheckJobs;
  /** Session signer: reload it when shared state changed. */
  sessions: SessionSigner;
}

/** Body limits: small JSON by default, large pastes for key batches and restores. */
export const ADMIN_BODY_LIMITS = { default: 64 * 1024, keys: 2 * 1024 * 1024, restore: 64 * 1024 * 1024 };

/**
 * Admin responses carry secrets (a key's secret, a new token, backups) and per-admin data:
 * no browser or proxy cache may keep any of them, errors included.
 */
function noStore(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    c.res.headers.set("cache-control", "no-store");
  };
}

function adminBodyLimit(): MiddlewareHandler {
  const make = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: () => {
        throw errors.tooLarge(maxSize);
      },
    });
  const small = make(ADMIN_BODY_LIMITS.default);
  const keys = make(ADMIN_BODY_LIMITS.keys);
  const restore = make(ADMIN_BODY_LIMITS.restore);
  return (c, next) => {
    const path = c.req.path.replace(/\/+$/, "");
    if (path.endsWith("/admin/api/restore")) return restore(c, next);
    if (path.endsWith("/admin/api/keys") && c.req.method === "POST") return keys(c, next);
    if (path.endsWith("/admin/api/keys/import") && c.req.method === "POST") return keys(c, next);
    return small(c, next);
  };
}

export function createAdminApi(deps: AdminApiDeps): AdminApi {
  const { storage, pool, providers, settings, usage, now } = deps;
  const passwordIterations = deps.passwordIterations ?? DEFAULT_PASSWORD_ITERATIONS;
  const trust = deps.trust ?? new ProxyTrust();
  const sessions = new SessionSigner({
    storage,
    now,
    trust,
    ttlMs: { admin: deps.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS.admin },
    refresh: deps.refresh,
  });
  const limiter = new LoginLimiter({ max: deps.loginAttemptsPerMinute ?? 5, now, trust, counters: storage.counters });
  const credentials = new AdminCredentials(storage, { limiter });
  const metrics = new RequestMetrics(now);
  const background = deps.backgroundJobs ?? true;
  const jobs = new CheckJobs({ pool, providers, now, onError: deps.onError, background, store: storage.settings });
  const bulk = new BulkJobs(storage, now);
  const authDeps = {
    storage,
    sessions,
    credentials,
    now,
    passwordIterations,
    passwordManagedByEnvironment: deps.passwordManagedByEnvironment ?? false,
  };

  const api = new Hono();
  api.use("*", noStore());
  api.use("*", adminBodyLimit());
  api.route("/", loginRoutes(authDeps));
  api.get("/openapi.json", (c) => c.json(openApiDocument));
  api.use("*", adminAuth({ storage, sessions, limiter }, credentials));
  for (const { path, what } of ID_ROUTES) api.use(path, validateIds(what));
  api.route("/", sessionRoutes(authDeps));
  api.route("/admin-tokens", adminTokensRoutes({ storage, now }));
  api.route("/keys/import", importRoutes({ storage, pool, providers, jobs, now }));
  api.route("/keys", timelineRoutes({ pool, history: storage.history, reader: deps.requests?.reader, now }));
  api.route("/keys", keysRoutes({ storage, pool, providers, jobs, bulk, now }));
  api.route("/jobs/bulk", bulkJobRoutes(bulk));
  api.route("/checks", checksRoutes({ pool, jobs, background }));
  api.route("/export", exportRoutes({ pool, now }));
  api.route("/tokens", tokensRoutes({ storage, usage, now, onStateChanged: deps.onStateChanged }));
  api.route(
    "/settings",
    settingsRoutes({ storage, settings, sessions, providers, passwordIterations, onStateChanged: deps.onStateChanged }),
  );
  api.route(
    "/instance",
    instanceRoutes({ pool, instanceId: usage.instanceId, startedAt: now(), lastSyncAt: deps.lastSyncAt }),
  );
  api.route("/logs", logsRoutes({ reader: deps.requests?.reader, now, instance: usage.instanceId }));
  api.route("/stats", statsRoutes({ storage, pool, usage, metrics, now }));
  api.route("/", backupRoutes({ storage, pool, settings, sessions, now, onStateChanged: deps.onStateChanged }));

  const app = new Hono();
  app.route("/admin/api", api);
  app.use("/public/api/*", adminBodyLimit());
  app.route("/public/api", publicRoutes({ pool, providers, settings, sessions, limiter }));
  // Counters of every provider and the pool's size: admin only, like the admin API (scrapers
  // send an admin token). Client tokens, however scoped, must not read other providers' traffic.
  app.use("/metrics", adminAuth({ storage, sessions, limiter }, credentials));
  app.get("/metrics", (c) =>
    c.body(metrics.render(pool), 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" }),
  );

  return {
    app,
    jobs,
    sessions,
    observe: (outcome, waitUntil) => {
      metrics.observe(outcome);
      deps.requests?.observe?.(outcome, waitUntil);
    },
  };
}
