/**
 * `@keyhive/gateway/workers`: a Cloudflare Worker's `{ fetch, scheduled }` from the parts an
 * example chooses (providers, storage, the admin UI). One gateway per isolate, built on the first
 * request from the bindings and `configFromEnv`; the cron trigger re-checks keys that are due.
 * Imports no `node:` built-in.
 */
import type { ExecutionContext } from "hono";
import { type ConfigFromEnvOptions, configFromEnv, type KeyhiveConfig } from "./config/config-from-env.js";
import { gatewayOptionsFromConfig } from "./config/gateway-options.js";
import { createGateway, type Gateway, type GatewayOptions } from "./gateway.js";
import { cloudflareClientAddress } from "./runtime/client-address.js";
import type { Provider } from "./spec/provider.js";
import type { Storage } from "./spec/storage.js";
import { WORKERS_PASSWORD_ITERATIONS } from "./util/crypto.js";

export interface WorkerHandlerOptions<E> {
  /** Provider ids whose `<PROVIDER_ID>_BASE_URL` to read into `config.baseURLs`. */
  providerIds?: ConfigFromEnvOptions["providers"];
  providers: (env: E, config: KeyhiveConfig) => Provider[];
  /** The storage on the Worker's binding (e.g. `createKVStorage({ binding: env.KEYHIVE_KV })`). */
  storage: (env: E, config: KeyhiveConfig) => Storage;
  /**
   * Seals key secrets and auth records when `KEYHIVE_ENCRYPTION_KEY` is set: pass `withEncryption`
   * from `@keyhive/storage`. Without it a set key refuses to start rather than store plaintext.
   */
  encryption?: (storage: Storage, options: { secret: string }) => Storage;
  /** Further gateway options, e.g. `{ ui: adminUI(), settings: { defaultProvider: "openai" } }`. */
  gateway?: Partial<GatewayOptions>;
}

export interface WorkerHandler<E> {
  fetch(request: Request, env: E, ctx: ExecutionContext): Response | Promise<Response>;
  scheduled(controller: unknown, env: E, ctx: ExecutionContext): void;
}

const REQUIRED = {
  // A generated admin password would be printed where nobody reads it: require the secret.
  KEYHIVE_ADMIN_PASSWORD: "set the secret: wrangler secret put KEYHIVE_ADMIN_PASSWORD",
};

export function createWorkerHandler<E extends object>(options: WorkerHandlerOptions<E>): WorkerHandler<E> {
  let gateway: Gateway | undefined;
  const gatewayFor = (env: E): Gateway => {
    if (gateway) return gateway;
    // Bindings (KV, D1) are objects: only the string values are configuration.
    const vars = Object.fromEntries(Object.entries(env).filter(([, value]) => typeof value === "string"));
    const config = configFromEnv(vars, { providers: options.providerIds, required: REQUIRED });
    if (config.trustProxy !== false) {
      throw new Error("KEYHIVE_TRUST_PROXY does not apply on Workers: CF-Connecting-IP is the client. Unset it.");
    }
    gateway = createGateway({
      ...gatewayOptionsFromConfig(config),
      // No job outlives its request on Workers: the admin UI steps batch checks instead.
      backgroundJobs: false,
      // A generated client token would be shown to nobody: clients get a 401 saying to create one.
      generateClientToken: false,
      // workerd's WebCrypto refuses more PBKDF2 iterations (hashes from Node still verify, slower).
      passwordHashIterations: WORKERS_PASSWORD_ITERATIONS,
      // Cloudflare sets CF-Connecting-IP on every request: the client's address, not spoofable.
      clientAddress: cloudflareClientAddress,
      ...options.gateway,
      providers: options.providers(env, config),
      storage: encrypted(options.storage(env, config), config, options.encryption),
    });
    return gateway;
  };
  return {
    fetch: (request, env, ctx) => {
      let app: Gateway["app"];
      try {
        app = gatewayFor(env).app;
      } catch (error) {
        return misconfigured(error);
      }
      return app.fetch(request, env, ctx);
    },
    scheduled: (_controller, env, ctx) => ctx.waitUntil(gatewayFor(env).recheck()),
  };
}

function encrypted(storage: Storage, config: KeyhiveConfig, encryption: WorkerHandlerOptions<never>["encryption"]) {
  if (!config.encryptionKey) return storage;
  if (!encryption) throw new Error("KEYHIVE_ENCRYPTION_KEY is set, but this Worker was built without `encryption`.");
  return encryption(storage, { secret: config.encryptionKey });
}

/** A refused configuration (a missing or weak KEYHIVE_ADMIN_PASSWORD) answers a JSON 500 saying why. */
function misconfigured(error: unknown): Response {
  console.error(error);
  const message = `Keyhive is misconfigured: ${(error as Error).message}`;
  return Response.json(
    { error: { message, type: "server_error", code: "misconfigured", param: null } },
    { status: 500 },
  );
}
