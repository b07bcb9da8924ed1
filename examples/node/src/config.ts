/** Configuration from the environment, parsed strictly: a typo fails loudly at start. */
import { parsePublicURL, parseTrustProxy, type TrustProxy } from "@keyhive/gateway";

export interface NodeConfig {
  port: number;
  host: string;
  /** Filesystem storage directory (used when `storage` is not given). */
  dataDir: string;
  /** Storage URI: `fs:<dir>`, `redis://…` / `rediss://…` or `memory:`. @default `fs:<dataDir>` */
  storage?: string;
  adminPassword?: string;
  clientTokens: string[];
  /** Proxies whose X-Forwarded-For/-Host/-Proto to believe (`KEYHIVE_TRUST_PROXY`). @default false */
  trustProxy?: TrustProxy;
  /** The gateway's public URL (`KEYHIVE_PUBLIC_URL`): the public page's base URL, one of our origins. */
  publicURL?: string;
  /** Encrypts key secrets and auth records at rest (`KEYHIVE_ENCRYPTION_KEY`, AES-256-GCM). */
  encryptionKey?: string;
  baseURLs: Record<string, string | undefined>;
  /** How stale this instance's view of shared state may get (ms). @default 5000 */
  refreshIntervalMs?: number;
  /** How often due keys are re-checked (ms); 0 turns the timer off. @default 60000 */
  recheckIntervalMs?: number;
  /** How long in-flight requests and streams may finish after SIGTERM/SIGINT (ms). @default 10000 */
  drainMs?: number;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): NodeConfig {
  const storage = env.KEYHIVE_STORAGE || undefined;
  if (storage && !/^(fs:.+|rediss?:\/\/.+|memory:)$/.test(storage))
    throw new Error(`Unknown storage '${storage}': use fs:<dir>, redis://host:port/db or memory:.`);
  return {
    port: integer("PORT", env.PORT, 8787, 65535),
    host: env.HOST || "127.0.0.1",
    dataDir: env.KEYHIVE_DATA_DIR || `${process.cwd()}/.keyhive-data`,
    storage,
    adminPassword: env.KEYHIVE_ADMIN_PASSWORD || undefined,
    clientTokens: (env.KEYHIVE_CLIENT_TOKENS ?? "")
      .split(",")
      .map((t) => t.trim())
      .filter(Boolean),
    trustProxy: parseTrustProxy(env.KEYHIVE_TRUST_PROXY),
    publicURL: parsePublicURL(env.KEYHIVE_PUBLIC_URL),
    encryptionKey: env.KEYHIVE_ENCRYPTION_KEY || undefined,
    baseURLs: {
      openai: env.OPENAI_BASE_URL || undefined,
      siliconflow: env.SILICONFLOW_BASE_URL || undefined,
      gemini: env.GEMINI_BASE_URL || undefined,
    },
    refreshIntervalMs: integer("KEYHIVE_REFRESH_INTERVAL_MS", env.KEYHIVE_REFRESH_INTERVAL_MS, 5000),
    recheckIntervalMs: integer("KEYHIVE_RECHECK_INTERVAL_MS", env.KEYHIVE_RECHECK_INTERVAL_MS, 60_000),
    drainMs: integer("KEYHIVE_DRAIN_MS", env.KEYHIVE_DRAIN_MS, 10_000),
  };
}

function integer(name: string, value: string | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max)
    throw new Error(`${name} must be an integer from 0 to ${max}, got '${value}'.`);
  return n;
}
