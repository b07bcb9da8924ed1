/**
 * `createGateway()` composes providers, a storage and options into a Hono app. It is the only
 * place that knows all the parts; each part stays ignorant of the others' internals.
 */
import { Hono } from "hono";
import { type AdminApi, createAdminApi } from "./admin/admin-api.js";
import { ProxyTrust, type TrustProxy } from "./admin/proxy-trust.js";
import { assertAdminPassword, type BootstrapResult, bootstrapSecrets } from "./bootstrap.js";
import { KeyPool } from "./pool/key-pool.js";
import { type RecheckOptions, type RecheckReport, recheckKeys } from "./pool/recheck.js";
import { type SelectionStrategy, strategyByName } from "./pool/strategies.js";
import { sniffUsage, UsageMeter } from "./pool/usage-meter.js";
import { ClientAuth } from "./proxy/client-auth.js";
import { createListModels } from "./proxy/list-models.js";
import { createProxy, type ProxyOutcome } from "./proxy/pipeline.js";
import { registerProxyRoutes } from "./proxy/routes.js";
import { TokenLimits } from "./proxy/token-limits.js";
import type { ClientAddress } from "./runtime/client-address.js";
import { SettingsRuntime } from "./settings/settings-runtime.js";
import type { GatewaySettings } from "./settings/settings-schema.js";
import { SharedStateSync } from "./shared-state.js";
import { errors, GatewayError } from "./spec/errors.js";
import { PROVIDER_SPECIFICATION_VERSION, type Provider } from "./spec/provider.js";
import { InvalidRecordNameError, STORAGE_SPECIFICATION_VERSION, type Storage } from "./spec/storage.js";
import { DEFAULT_PASSWORD_ITERATIONS, randomSecret } from "./util/crypto.js";

export interface GatewayOptions {
  providers: Provider[];
  storage: Storage;
  /**
   * The fetch used for every upstream request. Each runtime's entry injects its fastest one
   * (`createNodeFetch()` from `@keyhive/gateway/node` on Node). @default globalThis.fetch
   */
  fetch?: typeof fetch;
  /** Client tokens from configuration, in addition to those in storage. */
  clientTokens?: string[];
  /**
   * Admin password from configuration (at least 12 characters, or `createGateway` throws). It
   * manages the password: its hash replaces the stored one at every start, and the admin API
   * refuses to change it (409 `password_managed_by_environment`). When absent, one is generated
   * at first start and admins change it in the UI.
   */
  adminPassword?: string;
  /**
   * PBKDF2-SHA256 iterations of new password hashes. Workers pass 100000 (workerd refuses more
   * in WebCrypto); hashes record their parameters, so any runtime verifies any hash.
   * @default 600000
   */
  passwordHashIterations?: number;
  /**
   * Proxies in front of the gateway whose `X-Forwarded-For`, `-Host` and `-Proto` to believe
   * (login throttle, CSRF origin, cookie `Secure`, the public base URL): a number of hops, or their
   * addresses and CIDR ranges (`["127.0.0.1", "10.0.0.0/8"]`, `["loopback"]`). Off, only the
   * connection counts. `parseTrustProxy(process.env.KEYHIVE_TRUST_PROXY)` reads the variable.
   * @default false
   */
  trustProxy?: TrustProxy;
  /**
   * The client's address as the runtime knows it: the socket's peer on Node and Bun,
   * `CF-Connecting-IP` on Workers. @default detectClientAddress (all three)
   */
  clientAddress?: ClientAddress;
  /**
   * The gateway's public URL (`KEYHIVE_PUBLIC_URL`, e.g. `https://keys.example.com`): the public
   * page shows `<publicURL>/v1` whatever `Host` a request carried, and it counts as our origin.
   */
  publicURL?: string;
  /**
   * Initial settings from configuration (strategy, retries, deadline, cooldowns, free models,
   * default provider, …). Settings an admin stores later take precedence.
   */
  settings?: Partial<GatewaySettings>;
  /** A custom selection strategy; replaces `settings.strategy`. */
  strategy?: SelectionStrategy;
  /**
   * Ask OpenAI-style streams for their final usage chunk so tokens are counted; when the client
   * did not ask for it, the gateway strips it, so the client sees exactly what it asked for.
   * @default true
   */
  injectStreamUsage?: boolean;
  /** Largest request body accepted, in bytes. @default 26214400 (25 MiB: audio uploads) */
  bodyLimit?: number;
  /** How stale one instance's view of shared state may get (ms). @default 5000 */
  refreshIntervalMs?: number;
  /** How often usage counters are written (ms). @default 30000 */
  usageFlushIntervalMs?: number;
  /**
   * A web UI sub-app (e.g. `adminUI()` from `@keyhive/admin-ui`), mounted at `/` after the admin
   * API and before the proxy routes. The gateway never imports a UI itself.
   */
  ui?: Hono;
  /** Observes every proxied request (accounting, logs). Never receives secrets. */
  onOutcome?: (outcome: ProxyOutcome) => void;
  /** Where errors of background work go. @default console.error */
  onError?: (error: unknown) => void;
  /** Injected clock, for tests. @default Date.now */
  now?: () => number;
  /** Injected sleep (waiting for a cooling key), for tests. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Whether admin check jobs may run in the background, outliving the request that started
   * them. Workers pass false: jobs then advance through `POST /admin/api/checks/:id/step`.
   * @default true
   */
  backgroundJobs?: boolean;
}

export interface Gateway {
  /** The Hono app: mount it, or hand `app.fetch` to a runtime. */
  app: Hono;
  pool: KeyPool;
  storage: Storage;
  providers: ReadonlyMap<string, Provider>;
  settings: SettingsRuntime;
  usage: UsageMeter;
  /**
   * Loads the pool, tokens and settings and generates first-start secrets. Requests await it,
   * so a Worker may skip the call; Node calls it to print the generated secrets.
   */
  ready(): Promise<BootstrapResult>;
  /** Re-checks due keys (Workers cron, Node timer) within a budget. */
  recheck(options?: RecheckOptions): Promise<RecheckReport>;
  /** Pulls other instances' changes now instead of at the next interval. */
  sync(): Promise<void>;
  /** Writes queued state changes and usage now. */
  flush(): Promise<void>;
}

export function createGateway(options: GatewayOptions): Gateway {
  const providers = registerProviders(options.providers);
  const { storage } = options;
  if (storage.specificationVersion !== STORAGE_SPECIFICATION_VERSION) {
    throw new Error(
      `Storage implements spec ${storage.specificationVersion}; this gateway needs ${STORAGE_SPECIFICATION_VERSION}.`,
    );
  }
  if (options.adminPassword !== undefined) assertAdminPassword(options.adminPassword);
  const trust = new ProxyTrust({
    trustProxy: options.trustProxy,
    clientAddress: options.clientAddress,
    publicURL: options.publicURL,
  });
  const passwordIterations = options.passwordHashIterations ?? DEFAULT_PASSWORD_ITERATIONS;
  const now = options.now ?? Date.now;
  const onError = options.onError ?? ((error: unknown) => console.error("[keyhive]", error));
  const settings = new SettingsRuntime(storage, options.settings);

  const freeModels = new Map<string, ReadonlySet<string>>();
  const pool = new KeyPool({ storage, freeModels: (id) => freeModels.get(id), now, onError });
  const auth = new ClientAuth({ storage, configuredTokens: options.clientTokens, now });
  const usage = new UsageMeter(storage, randomSecret("i-", 6), now, options.usageFlushIntervalMs);
  const limits = new TokenLimits(usage, now);

  settings.onChange((s) => {
    if (!options.strategy) pool.setStrategy(strategyByName(s.strategy));
    pool.updatePolicy({
      cooldownBaseMs: s.cooldownBaseMs,
      cooldownMaxMs: s.cooldownMaxMs,
      balanceThreshold: s.balanceThreshold,
      recheckInvalidMs: s.recheckInvalidMs,
      recheckExhaustedMs: s.recheckExhaustedMs,
      recheckActiveMs: s.recheckActiveMs,
    });
    freeModels.clear();
    for (const provider of providers.values()) {
      const list = s.freeModels[provider.id] ?? provider.freeModels;
      if (list) freeModels.set(provider.id, new Set(list));
    }
  });
  if (options.strategy) pool.setStrategy(options.strategy);

  const sync = new SharedStateSync(
    storage,
    pool,
    async () => {
      await Promise.all([auth.reloadStored(), settings.reload(), adminApi.sessions.reload()]);
    },
    options.refreshIntervalMs ?? 5000,
    now,
    onError,
  );

  let readyPromise: Promise<BootstrapResult> | undefined;
  const ready = () => {
    readyPromise ??= (async () => {
      const secrets = await bootstrapSecrets({
        storage,
        adminPassword: options.adminPassword,
        hasConfiguredClientTokens: (options.clientTokens?.length ?? 0) > 0,
        passwordIterations,
        now,
      });
      const revision = await storage.revision();
      await Promise.all([pool.ready(), auth.load(), settings.reload(), adminApi.sessions.reload()]);
      sync.markLoaded(revision);
      return secrets;
    })();
    readyPromise.catch(() => {
      readyPromise = undefined; // a failed start (storage down) is retried by the next request
    });
    return readyPromise;
  };

  const recheck = async (recheckOptions?: RecheckOptions) => {
    await ready();
    return recheckKeys(pool, providers, recheckOptions, now);
  };
  const adminApi: AdminApi = createAdminApi({
    storage,
    pool,
    providers,
    settings,
    usage,
    recheck,
    now,
    onStateChanged: () => sync.sync(),
    refresh: () => sync.syncIfStale(),
    trust,
    passwordIterations,
    passwordManagedByEnvironment: options.adminPassword !== undefined,
    backgroundJobs: options.backgroundJobs ?? true,
    onError,
  });

  const proxy = createProxy({
    providers,
    pool,
    auth,
    limits,
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    options: () => {
      const s = settings.value;
      return {
        retries: s.retries,
        deadlineMs: s.deadlineMs,
        attemptTimeoutMs: s.attemptTimeoutMs,
        maxCooldownWaitMs: s.maxCooldownWaitMs,
        defaultProvider: s.defaultProvider,
        bodyLimit: options.bodyLimit ?? 25 * 1024 * 1024,
      };
    },
    clientKeyPassThrough: () => settings.value.clientKeyPassThrough,
    injectStreamUsage: () => options.injectStreamUsage ?? true,
    beforeRequest: (waitUntil) => {
      sync.maybeSync(waitUntil);
      usage.maybeFlush(waitUntil);
      pool.maybeFlushHistory(waitUntil);
    },
    afterRequest: (waitUntil) => {
      // Workers may freeze the isolate after the response: hand pending health writes to waitUntil.
      if (waitUntil && pool.pendingWrites > 0) waitUntil(pool.flushWrites());
    },
    onOutcome: (outcome) => {
      const ok = outcome.status < 400;
      usage.record({
        keyId: outcome.keyId,
        tokenId: outcome.client.tokenId,
        ok,
        failures: outcome.failures,
        ...(ok ? (outcome.usage ?? sniffUsage(outcome.tail)) : {}),
      });
      adminApi.observe(outcome);
      options.onOutcome?.(outcome);
    },
    now,
    sleep: options.sleep,
  });

  const app = new Hono();
  app.onError((error) => {
    if (error instanceof GatewayError) return error.toResponse();
    // A storage refusing an unsafe id or name: the request was malformed, not the gateway.
    if (InvalidRecordNameError.isInstance(error)) return errors.badRequest(error.message, "id").toResponse();
    onError(error);
    return new GatewayError("Internal gateway error.", {
      status: 500,
      type: "server_error",
      code: "internal_error",
    }).toResponse();
  });
  app.notFound((c) => errors.notFound(`Unknown route: ${c.req.method} ${c.req.path}`, "unknown_route").toResponse());
  let started = false;
  app.use("*", async (c, next) => {
    if (!started) {
      await ready();
      started = true;
    }
    // Browsers call the proxy from other origins (playgrounds, chat UIs): CORS is open, and
    // authentication is by token, never by cookie, so this grants nothing.
    if (c.req.path.startsWith("/admin")) return next();
    if (c.req.method === "OPTIONS") {
      return new Response(null, {
        status: 204,
        headers: {
          "access-control-allow-origin": "*",
          "access-control-allow-methods": "GET, POST, OPTIONS",
          "access-control-allow-headers": c.req.header("access-control-request-headers") ?? "*",
          "access-control-max-age": "86400",
        },
      });
    }
    await next();
    c.res.headers.set("access-control-allow-origin", "*");
    if (!c.res.headers.has("cache-control")) c.res.headers.set("cache-control", "no-store");
  });

  app.route("/", adminApi.app);
  if (options.ui) app.route("/", options.ui);

  const listModels = createListModels({
    providers,
    pool,
    auth,
    proxy,
    defaultProvider: () => settings.value.defaultProvider,
    now,
  });
  registerProxyRoutes(app, providers, proxy, listModels);

  return {
    app,
    pool,
    storage,
    providers,
    settings,
    usage,
    ready,
    recheck,
    sync: () => sync.sync(),
    flush: async () => {
      await Promise.all([pool.flush(), usage.flush()]);
    },
  };
}

function registerProviders(list: Provider[]): Map<string, Provider> {
  const providers = new Map<string, Provider>();
  for (const provider of list) {
    if (provider.specificationVersion !== PROVIDER_SPECIFICATION_VERSION) {
      throw new Error(
        `Provider '${provider.id}' implements spec ${provider.specificationVersion}; this gateway needs ${PROVIDER_SPECIFICATION_VERSION}.`,
      );
    }
    if (!/^[a-z0-9-]+$/.test(provider.id)) throw new Error(`Provider id '${provider.id}' must match [a-z0-9-]+.`);
    if (providers.has(provider.id)) throw new Error(`Two providers share the id '${provider.id}'.`);
    providers.set(provider.id, provider);
  }
  return providers;
}
