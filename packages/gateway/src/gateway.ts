/**
 * `createGateway()` composes providers, a storage and options into a Hono app. It is the only
 * place that knows all the parts; each part stays ignorant of the others' internals, and each
 * composition step lives in `gateway/` (pool, proxy, app).
 */
import { type AdminApi, createAdminApi } from "./admin/admin-api.js";
import { ProxyTrust } from "./admin/proxy-trust.js";
import { assertAdminPassword, type BootstrapResult, bootstrapSecrets } from "./bootstrap.js";
import { assertStorageVersion, registerProviders } from "./gateway/check-parts.js";
import { composeApp } from "./gateway/compose-app.js";
import { composeRequests } from "./gateway/compose-logs.js";
import { composePool } from "./gateway/compose-pool.js";
import { composeProxy } from "./gateway/compose-proxy.js";
import type { Gateway, GatewayOptions } from "./gateway/gateway-options.js";
import type { RequestRecorder } from "./logs/request-recorder.js";
import type { KeyPool } from "./pool/key-pool.js";
import { type RecheckOptions, recheckKeys } from "./pool/recheck.js";
import { UsageMeter } from "./pool/usage-meter.js";
import { ClientAuth } from "./proxy/client-auth.js";
import { clientKeyHeadersOf } from "./proxy/client-credentials.js";
import { createListModels } from "./proxy/list-models.js";
import { SettingsRuntime } from "./settings/settings-runtime.js";
import { SharedStateSync } from "./shared-state.js";
import type { Storage } from "./spec/storage.js";
import { DEFAULT_PASSWORD_ITERATIONS, randomSecret } from "./util/crypto.js";

export type { Gateway, GatewayOptions } from "./gateway/gateway-options.js";

export function createGateway(options: GatewayOptions): Gateway {
  const providers = registerProviders(options.providers);
  const { storage } = options;
  assertStorageVersion(storage);
  if (options.adminPassword !== undefined) assertAdminPassword(options.adminPassword);
  const passwordIterations = options.passwordHashIterations ?? DEFAULT_PASSWORD_ITERATIONS;
  const now = options.now ?? Date.now;
  const onError = options.onError ?? ((error: unknown) => console.error("[keyhive]", error));
  const settings = new SettingsRuntime(storage, options.settings);
  const usage = new UsageMeter(storage, randomSecret("i-", 6), now, options.usageFlushIntervalMs);
  const requests = composeRequests(options, usage.instanceId, now, onError, (id) => pool.get(id)?.secret);
  const pool = composePool(options, providers, settings, now, onError, requests.statusChanged);
  const keyHeaders = clientKeyHeadersOf(providers.values());
  const auth = new ClientAuth({ storage, configuredTokens: options.clientTokens, keyHeaders, now });
  const reloadShared = () => Promise.all([auth.reloadStored(), settings.reload(), adminApi.sessions.reload()]);
  const sync = new SharedStateSync(
    storage,
    pool,
    async () => {
      await reloadShared();
    },
    options.refreshIntervalMs ?? 5000,
    now,
    onError,
  );
  const ready = readyOnce(async () => {
    const secrets = await bootstrapSecrets({
      storage,
      adminPassword: options.adminPassword,
      hasConfiguredClientTokens: (options.clientTokens?.length ?? 0) > 0,
      generateClientToken: options.generateClientToken,
      passwordIterations,
      now,
    });
    const revision = await storage.revision();
    await Promise.all([pool.ready(), auth.load(), settings.reload(), adminApi.sessions.reload()]);
    sync.markLoaded(revision);
    return secrets;
  });
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
    lastSyncAt: () => sync.lastSyncAt,
    trust: new ProxyTrust({
      trustProxy: options.trustProxy,
      clientAddress: options.clientAddress,
      publicURL: options.publicURL,
    }),
    passwordIterations,
    passwordManagedByEnvironment: options.adminPassword !== undefined,
    backgroundJobs: options.backgroundJobs ?? true,
    onError,
    requests,
  });
  const metrics: AdminApi["observe"] = (outcome, waitUntil) => adminApi.observe(outcome, waitUntil);
  const counters = storage.counters;
  const recordUnserved = requests.recordUnserved;
  const proxyParts = { providers, pool, auth, usage, settings, sync, metrics, now, counters, recordUnserved };
  const proxy = composeProxy(options, proxyParts);
  const defaultProvider = () => settings.value.defaultProvider;
  const freeModels = (id: string) => settings.value.freeModels[id] ?? providers.get(id)?.freeModels;
  const listModels = createListModels({ providers, pool, auth, keyHeaders, proxy, defaultProvider, freeModels, now });
  const app = composeApp({ providers, ready, onError, admin: adminApi.app, ui: options.ui, proxy, listModels });
  return gatewayOf({ app, pool, storage, providers, settings, usage, ready, recheck, sync, requests });
}

/** Runs `start` once; a failed start (storage down) is retried by the next caller. */
function readyOnce(start: () => Promise<BootstrapResult>): () => Promise<BootstrapResult> {
  let readyPromise: Promise<BootstrapResult> | undefined;
  return () => {
    readyPromise ??= start();
    readyPromise.catch(() => {
      readyPromise = undefined;
    });
    return readyPromise;
  };
}

function gatewayOf(
  parts: Omit<Gateway, "sync" | "startBackgroundSync" | "flush"> & {
    sync: SharedStateSync;
    pool: KeyPool;
    storage: Storage;
    requests: RequestRecorder;
  },
): Gateway {
  const { sync, pool, usage, requests, ...rest } = parts;
  return {
    ...rest,
    pool,
    usage,
    sync: () => sync.sync(),
    startBackgroundSync: () => sync.startBackground(),
    flush: async () => {
      await Promise.all([pool.flush(), usage.flush(), requests.flush()]);
    },
  };
}
