/** What `createGateway()` takes and what it returns. */
import type { Hono } from "hono";
import type { TrustProxy } from "../admin/proxy-trust.js";
import type { BootstrapResult } from "../bootstrap.js";
import type { RequestLogOptions } from "../logs/request-log.js";
import type { LogLevel } from "../logs/structured-log.js";
import type { KeyPool } from "../pool/key-pool.js";
import type { RecheckOptions, RecheckReport } from "../pool/recheck.js";
import type { SelectionStrategy } from "../pool/strategies.js";
import type { UsageMeter } from "../pool/usage-meter.js";
import type { ProxyOutcome } from "../proxy/proxy-types.js";
import type { ClientAddress } from "../runtime/client-address.js";
import type { SettingsRuntime } from "../settings/settings-runtime.js";
import type { GatewaySettings } from "../settings/settings-schema.js";
import type { Provider } from "../spec/provider.js";
import type { Storage } from "../spec/storage.js";
import type { TracingOptions } from "../tracing/request-spans.js";

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
   * With no client token configured or stored, generate one at first start (`ready()` returns it
   * once, for the runtime to print). Workers pass false: nothing would show it, so clients get a
   * 401 saying no client token exists until one is created in the admin UI or configured.
   * @default true
   */
  generateClientToken?: boolean;
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
  /**
   * How stale one instance's view of shared state (keys, tokens, settings written by other
   * instances) may get, in ms. With `startBackgroundSync()` every change is applied within it
   * with or without traffic; without (Workers) the first request after it waits for a refresh
   * before it selects a key. @default 5000
   */
  refreshIntervalMs?: number;
  /** How often usage counters are written (ms). @default 30000 */
  usageFlushIntervalMs?: number;
  /**
   * A web UI sub-app (e.g. `adminUI()` from `@keyhive/admin-ui`), mounted at `/` after the admin
   * API and before the proxy routes. The gateway never imports a UI itself.
   */
  ui?: Hono;
  /**
   * The request log: the newest `ringSize` requests of this instance in memory, served at
   * `/admin/api/logs` (list, tail, export). `false` turns it off. @default { ringSize: 5000 }
   */
  requestLog?: RequestLogOptions | false;
  /** Structured JSON lines (one per request) at this level and above; `KEYHIVE_LOG`. @default "off" */
  logLevel?: LogLevel;
  /** Where structured lines go, one call per line. @default console.log (stdout; the Workers log) */
  logger?: (line: string) => void;
  /** Observes every proxied request (accounting, logs). Never receives secrets. */
  onOutcome?: (outcome: ProxyOutcome) => void;
  /**
   * OpenTelemetry tracing: a `keyhive.request` span per proxied request with a `keyhive.attempt`
   * child per attempt, recorded once the response ended, with explicit timestamps. Pass your
   * tracer: `{ tracer: trace.getTracer("keyhive") }` (`@opentelemetry/api` is an optional peer
   * dependency the gateway never imports at run time). @default off: nothing runs per request
   */
  tracing?: TracingOptions;
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
  /**
   * Keeps this instance converged with no traffic (Node, Bun — not Workers, where no timer
   * outlives a request): a sync every `refreshIntervalMs` on an unref'd timer, and one on every
   * change notification of storages that offer `watch` (Redis: typically under 100 ms).
   * Returns the function that stops it; call that before closing the storage.
   */
  startBackgroundSync(): () => void;
  /** Writes queued state changes and usage now. */
  flush(): Promise<void>;
}
