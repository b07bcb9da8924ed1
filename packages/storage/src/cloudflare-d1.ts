import type { Storage } from "@keyhive/gateway";
import { createD1Context, type D1DatabaseLike } from "./d1-context.js";
import { createD1HistoryStore } from "./d1-history.js";
import { createD1KeyStore } from "./d1-keys.js";
import { createD1RequestLog } from "./d1-request-log.js";
import { createD1SettingsStore, createD1TokenStore, readD1Revision } from "./d1-tokens-settings.js";
import { createD1UsageStore } from "./d1-usage.js";

export type { D1DatabaseLike, D1StatementLike } from "./d1-context.js";
export { D1_MIGRATION_SQL, D1_MIGRATIONS, D1_REQUEST_LOG_MIGRATION_SQL, d1MigrationStatements } from "./d1-schema.js";
export { D1_SCHEMA_MISSING_CODE, d1SchemaMissingMessage } from "./d1-schema-guard.js";

export interface D1StorageOptions {
  /** The D1 database binding, e.g. `env.KEYHIVE_DB`. */
  binding: D1DatabaseLike;
  /**
   * Apply `migrations/*.sql` (idempotent `CREATE … IF NOT EXISTS`) on first use. Turn
   * off when you run `wrangler d1 migrations apply` yourself. @default true
   */
  migrate?: boolean;
  /**
   * The database's `database_name` in wrangler.toml. Named in the error every request answers
   * while the schema is missing (a 503 `storage_not_migrated` with the `wrangler d1 migrations
   * apply` command, logged once), so pass it with `migrate: false`. @default "<database_name>"
   */
  databaseName?: string;
  /** How long change-feed rows are kept; an instance offline longer reloads everything. @default 600000 */
  changeRetentionMs?: number;
  /** History older than this many days is pruned automatically (at most hourly, on append). @default 30 */
  historyRetentionDays?: number;
  /** Statements per D1 batch in bulk writes. @default 200 */
  batchSize?: number;
  /** Clock, for tests. @default Date.now */
  now?: () => number;
}

/**
 * Cloudflare D1 storage: a dedicated SQL schema, not a key-value emulation. Keys live in an
 * indexed `keys` table (provider, status, balance, added_at …), so listing, filtering and
 * counting 100k keys are index range scans, and writes are transactions (no lost updates).
 */
export function createD1Storage(options: D1StorageOptions): Storage {
  const ctx = createD1Context(options);
  return {
    specificationVersion: "v1",
    keys: createD1KeyStore({ ...ctx, changeRetentionMs: options.changeRetentionMs ?? 600_000 }),
    tokens: createD1TokenStore(ctx),
    settings: createD1SettingsStore(ctx),
    usage: createD1UsageStore(ctx),
    history: createD1HistoryStore(ctx, options.historyRetentionDays ?? 30),
    requestLog: createD1RequestLog(ctx),
    revision: () => readD1Revision(ctx),
  };
}
