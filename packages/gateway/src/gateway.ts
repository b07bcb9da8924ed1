/**
 * `createGateway()` composes providers, a storage and options into a Hono app. It is the only
 * place that knows all the parts; each part stays ignorant of the others' internals.
 */
import { Hono } from "hono";
import { adminAuth } from "./admin/admin-auth.js";
import { keysRoutes } from "./admin/keys-routes.js";
import { type BootstrapResult, bootstrapSecrets } from "./bootstrap.js";
import type { HealthPolicy } from "./pool/health.js";
import { KeyPool } from "./pool/key-pool.js";
import type { SelectionStrategy } from "./pool/strategies.js";
import { ClientAuth } from "./proxy/client-auth.js";
import { createProxy, defaultProxyOptions, type ProxyOptions, type ProxyOutcome } from "./proxy/pipeline.js";
import { registerProxyRoutes } from "./proxy/routes.js";
import { errors, GatewayError } from "./spec/errors.js";
import { PROVIDER_SPECIFICATION_VERSION, type Provider } from "./spec/provider.js";
import { STORAGE_SPECIFICATION_VERSION, type Storage } from "./spec/storage.js";

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
  /** Admin password from configuration; when absent, one is generated at first start. */
  adminPassword?: string;
  /** Failover, deadline, body limit, default provider. */
  proxy?: Partial<ProxyOptions>;
  strategy?: SelectionStrategy;
  health?: Partial<HealthPolicy>;
  /** How stale one instance's view of shared state may get. @default 5000 */
  refreshIntervalMs?: number;
  /** Free models per provider id (exhausted keys may serve them); defaults to each provider's list. */
  freeModels?: Record<string, string[]>;
  /** Observes every proxied request (accounting, logs). Never receives secrets. */
  onOutcome?: (outcome: ProxyOutcome) => void;
  /** Where errors of background work go. @default console.error */
  onError?: (error: unknown) => void;
  now?: () => number;
}

export interface Gateway {
  /** The Hono app: mount it, or hand `app.fetch` to a runtime. */
  app: Hono;
  pool: KeyPool;
  storage: Storage;
  providers: ReadonlyMap<string, Provider>;
  /**
   * Loads the pool and tokens and generates first-start secrets. Call once before serving;
   * requests also await it, so a Worker may skip the call.
   */
  ready(): Promise<BootstrapResult>;
  /** Writes queued state changes now. */
  flush(): Promise<void>;
}

export function createGateway(options: GatewayOptions): Gateway {
  const providers = new Map<string, Provider>();
  for (const provider of options.providers) {
    if (provider.specificationVersion !== PROVIDER_SPECIFICATION_VERSION) {
      throw new Error(
        `Provider '${provider.id}' implements spec ${provider.specificationVersion}; this gateway needs ${PROVIDER_SPECIFICATION_VERSION}.`,
      );
    }
    if (!/^[a-z0-9-]+$/.test(provider.id)) throw new Error(`Provider id '${provider.id}' must match [a-z0-9-]+.`);
    if (providers.has(provider.id)) throw new Error(`Two providers share the id '${provider.id}'.`);
    providers.set(provider.id, provider);
  }
  const { storage } = options;
  if (storage.specificationVersion !== STORAGE_SPECIFICATION_VERSION) {
    throw new Error(
      `Storage implements spec ${storage.specificationVersion}; this gateway needs ${STORAGE_SPECIFICATION_VERSION}.`,
    );
  }
  const onError = options.onError ?? ((error: unknown) => console.error("[keyhive]", error));
  const freeModels = new Map<string, ReadonlySet<string>>();
  for (const provider of providers.values()) {
    const list = options.freeModels?.[provider.id] ?? provider.freeModels;
    if (list) freeModels.set(provider.id, new Set(list));
  }

  const pool = new KeyPool({
    storage,
    strategy: options.strategy,
    policy: options.health,
    refreshIntervalMs: options.refreshIntervalMs,
    freeModels: (id) => freeModels.get(id),
    now: options.now,
    onError,
  });
  const auth = new ClientAuth({
    storage,
    configuredTokens: options.clientTokens,
    refreshIntervalMs: options.refreshIntervalMs,
    now: options.now,
  });
  const proxyOptions: ProxyOptions = { ...defaultProxyOptions, ...options.proxy };

  let readyPromise: Promise<BootstrapResult> | undefined;
  const ready = () => {
    readyPromise ??= (async () => {
      const secrets = await bootstrapSecrets({
        storage,
        adminPassword: options.adminPassword,
        hasConfiguredClientTokens: (options.clientTokens?.length ?? 0) > 0,
        now: options.now,
      });
      await Promise.all([pool.ready(), auth.load()]);
      return secrets;
    })();
    return readyPromise;
  };

  const proxy = createProxy({
    providers,
    pool,
    auth,
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    options: () => proxyOptions,
    onOutcome: options.onOutcome,
    now: options.now,
  });

  const app = new Hono();
  app.onError((error) => {
    if (error instanceof GatewayError) return error.toResponse();
    onError(error);
    return new GatewayError("Internal gateway error.", {
      status: 500,
      type: "server_error",
      code: "internal_error",
    }).toResponse();
  });
  app.notFound((c) => errors.notFound(`Unknown route: ${c.req.method} ${c.req.path}`, "unknown_route").toResponse());
  app.use("*", async (_c, next) => {
    await ready();
    await next();
  });
  // Browsers call the proxy from other origins (playgrounds, chat UIs): CORS is open, and
  // authentication is by token, never by cookie, so this grants nothing.
  app.use("/*", async (c, next) => {
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

  const admin = new Hono();
  admin.use("*", adminAuth(storage));
  admin.route("/keys", keysRoutes({ storage, pool, providers, now: options.now }));
  app.route("/admin/api", admin);

  registerProxyRoutes(app, providers, proxy);

  return {
    app,
    pool,
    storage,
    providers,
    ready,
    flush: () => pool.flush(),
  };
}
