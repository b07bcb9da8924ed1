/**
 * Every environment variable Keyhive's entries read, defined once: `configFromEnv` parses from
 * this table and `docs/configuration.md` is generated from it (a test fails when the page is stale).
 */
import { assertAdminPassword } from "../bootstrap.js";
import { LOG_LEVELS } from "../logs/structured-log.js";
import {
  httpURL,
  integer,
  list,
  oneOf,
  publicURL,
  secret,
  storageURI,
  TIMER_MAX_MS,
  text,
  trustProxy,
} from "./types.js";

export const CONFIG_VARIABLES = {
  adminPassword: secret({
    name: "KEYHIVE_ADMIN_PASSWORD",
    check: assertAdminPassword,
    description:
      "The admin password, 12–1024 characters; only its hash is stored. While set it manages the password " +
      "(the admin UI and API refuse a change). Unset: generated and printed once at first start " +
      "(Workers and Node + Redis require it).",
  }),
  clientTokens: list({
    name: "KEYHIVE_CLIENT_TOKENS",
    secret: true,
    description:
      "Client tokens accepted on `/v1/*`, besides those created in the admin UI. With none configured or stored, " +
      "Node and Bun generate one at first start and print it once; Workers generate none (clients get a 401 saying " +
      "so until an admin creates one).",
  }),
  encryptionKey: secret({
    name: "KEYHIVE_ENCRYPTION_KEY",
    description:
      "Encrypts key secrets and auth records at rest (AES-256-GCM, `enc:v1:…`) on any storage. " +
      "Use 32+ random characters and keep them: the stored keys are unreadable without it. The same on every instance.",
  }),
  trustProxy: trustProxy({
    name: "KEYHIVE_TRUST_PROXY",
    description:
      "The proxies whose `X-Forwarded-For`/`-Host`/`-Proto` to believe: a hop count (`1`) or their " +
      "addresses/CIDRs (`127.0.0.1`, `loopback`, `10.0.0.0/8`). `true` is refused. Not on Workers " +
      "(`CF-Connecting-IP` is the client).",
  }),
  publicURL: publicURL({
    name: "KEYHIVE_PUBLIC_URL",
    description:
      "The gateway's public URL (`https://keys.example.com`): the public page's base URL, one of its origins.",
  }),
  refreshIntervalMs: integer({
    name: "KEYHIVE_REFRESH_INTERVAL_MS",
    default: 5000,
    min: 100,
    max: TIMER_MAX_MS,
    description:
      "How stale this instance's view of shared state (keys, tokens, settings) may get, in ms: Node and Bun apply every change within it with or without traffic (Redis: usually within milliseconds, by pub/sub); on Workers the first request after it refreshes first.",
  }),
  recheckIntervalMs: integer({
    name: "KEYHIVE_RECHECK_INTERVAL_MS",
    default: 60_000,
    min: 100,
    max: TIMER_MAX_MS,
    zero: "off",
    description: "How often invalid, exhausted and due keys are re-checked, in ms (Node, Bun; Workers use the cron).",
  }),
  drainMs: integer({
    name: "KEYHIVE_DRAIN_MS",
    default: 10_000,
    min: 0,
    max: TIMER_MAX_MS,
    description: "On SIGTERM/SIGINT, how long in-flight requests and streams may finish before they are cut, in ms.",
  }),
  logLevel: oneOf({
    name: "KEYHIVE_LOG",
    values: LOG_LEVELS,
    default: "off",
    description:
      "Structured logs: one JSON line per proxied request on stdout (Node, Bun) or the Workers log, at this level " +
      "and above (5xx `error`, 4xx `warn`, others `info`). Lines never carry a key's or a token's secret.",
  }),
  requestLogMaxRecords: integer({
    name: "KEYHIVE_REQUEST_LOG_MAX_RECORDS",
    default: 100_000,
    min: 100,
    max: 10_000_000,
    zero: "memory only",
    description:
      "How many requests the storage's request log keeps (all instances together; the oldest go first). `0`: the " +
      "log stays in each instance's memory (its newest 5,000) and nothing is written to storage.",
  }),
  requestLogMaxAgeDays: integer({
    name: "KEYHIVE_REQUEST_LOG_MAX_AGE_DAYS",
    default: 7,
    min: 1,
    max: 3650,
    description: "Requests older than this many days leave the storage's request log.",
  }),
  port: integer({ name: "PORT", default: 8787, min: 0, max: 65535, description: "Listen port; `0` picks a free one." }),
  host: text({ name: "HOST", default: "127.0.0.1", description: "Listen address; `0.0.0.0` to expose it." }),
  dataDir: text({
    name: "KEYHIVE_DATA_DIR",
    default: "./.keyhive-data",
    description: "The filesystem storage's directory (Node, Bun), relative to the working directory.",
  }),
  storage: storageURI({
    name: "KEYHIVE_STORAGE",
    schemes: ["fs", "redis", "memory"],
    defaultText: "`fs:<KEYHIVE_DATA_DIR>`",
    description: "The storage, as a URI (Node, the `keyhive` CLI); the same URIs as `keyhive-storage` backups.",
  }),
  redisURL: storageURI({
    name: "REDIS_URL",
    schemes: ["redis"],
    default: "redis://127.0.0.1:6379/0",
    description: "The shared Redis of Node + Redis (`rediss://` for TLS).",
  }),
} as const;

/** What each kind of value becomes once parsed: the type of `configFromEnv()`'s fields. */
export type ConfigValues = {
  -readonly [K in keyof typeof CONFIG_VARIABLES]: (typeof CONFIG_VARIABLES)[K]["fallback"];
};

/** `<PROVIDER_ID>_BASE_URL` for a provider id: `openai` → `OPENAI_BASE_URL`, `my-relay` → `MY_RELAY_BASE_URL`. */
export function baseURLVariableName(providerId: string): string {
  return `${providerId.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}_BASE_URL`;
}

export function baseURLVariable(providerId: string) {
  return httpURL({
    name: baseURLVariableName(providerId),
    description:
      "An upstream's base URL (a relay, a mock) for each provider id the entry passes: the id upper-cased, " +
      "other characters as `_` (`OPENAI_BASE_URL` for `openai`, `MY_RELAY_BASE_URL` for `my-relay`).",
  });
}

/**
 * `KEYHIVE_*` names that are not `configFromEnv`'s to parse, but are not typos either: they are
 * documented here and accepted in the environment.
 */
export const OTHER_VARIABLES: ReadonlyArray<{ name: string; kind: string; description: string }> = [
  {
    name: "KEYHIVE_KV",
    kind: "Workers binding",
    description: "The KV namespace of `examples/workers-kv` (`[[kv_namespaces]]` in wrangler.toml).",
  },
  {
    name: "KEYHIVE_DB",
    kind: "Workers binding",
    description: "The D1 database of `examples/workers-d1` (`[[d1_databases]]` in wrangler.toml).",
  },
  {
    name: "KEYHIVE_COORDINATOR",
    kind: "Workers binding",
    description:
      "The Durable Object namespace of `examples/workers-do` (`KeyhiveCoordinator`, `[[durable_objects.bindings]]` in wrangler.toml).",
  },
  {
    name: "KEYHIVE_COORDINATOR_LOCATION",
    kind: "Workers var",
    description:
      "`examples/workers-do`: the `locationHint` the coordinator object is created with (`weur`, `enam`, `apac`, …; no effect once it exists).",
  },
  {
    name: "KEYHIVE_NEW_ENCRYPTION_KEY",
    kind: "secret",
    description: "The new key of `keyhive-storage rotate-key` (read by that command, not by the gateway).",
  },
  {
    name: "KEYHIVE_TOKEN",
    kind: "secret",
    description: "A client's own token, as the public page's usage guide names it (read by clients, not the gateway).",
  },
];
