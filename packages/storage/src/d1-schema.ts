/**
 * The D1 schema, kept byte-for-byte equal to `migrations/0001_init.sql` and
 * `migrations/0002_request_log.sql` (a test checks them) so it can be applied from code or with
 * `wrangler d1 migrations apply`. A database that has only the first gets the second the same way.
 */
export const D1_MIGRATION_SQL = `-- Keyhive storage schema for Cloudflare D1 (SQLite). Every statement is idempotent.
CREATE TABLE IF NOT EXISTS keys (
  id TEXT PRIMARY KEY,
  provider TEXT NOT NULL,
  hash TEXT NOT NULL,
  status TEXT NOT NULL,
  balance REAL,
  added_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  next_check_at INTEGER,
  record TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS keys_provider_hash ON keys (provider, hash);
CREATE INDEX IF NOT EXISTS keys_provider_id ON keys (provider, id);
CREATE INDEX IF NOT EXISTS keys_status_id ON keys (status, id);
CREATE INDEX IF NOT EXISTS keys_provider_status_id ON keys (provider, status, id);
CREATE INDEX IF NOT EXISTS keys_next_check_at ON keys (next_check_at);
CREATE TABLE IF NOT EXISTS key_changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  ids TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS key_changes_at ON key_changes (at);
CREATE TABLE IF NOT EXISTS tokens (id TEXT PRIMARY KEY, record TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS usage (
  scope TEXT NOT NULL,
  day TEXT NOT NULL,
  id TEXT NOT NULL,
  instance TEXT NOT NULL,
  counters TEXT NOT NULL,
  PRIMARY KEY (scope, day, id, instance)
);
CREATE TABLE IF NOT EXISTS history (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  kind TEXT NOT NULL,
  key_id TEXT,
  data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS history_at ON history (at);
CREATE INDEX IF NOT EXISTS history_kind_at ON history (kind, at);
CREATE INDEX IF NOT EXISTS history_key_at ON history (key_id, at);
`;

export const D1_REQUEST_LOG_MIGRATION_SQL = `-- Keyhive request log for Cloudflare D1 (SQLite). Every statement is idempotent.
CREATE TABLE IF NOT EXISTS requests (
  id TEXT PRIMARY KEY,
  at INTEGER NOT NULL,
  instance TEXT NOT NULL,
  token_id TEXT,
  provider TEXT NOT NULL,
  model TEXT,
  key_ids TEXT NOT NULL,
  status INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS requests_at ON requests (at);
CREATE INDEX IF NOT EXISTS requests_token_id ON requests (token_id, id);
CREATE INDEX IF NOT EXISTS requests_model_id ON requests (model, id);
CREATE INDEX IF NOT EXISTS requests_status_id ON requests (status, id);
`;

/** Every migration file, in the order wrangler applies them. */
export const D1_MIGRATIONS = [
  { file: "0001_init.sql", sql: D1_MIGRATION_SQL },
  { file: "0002_request_log.sql", sql: D1_REQUEST_LOG_MIGRATION_SQL },
] as const;

/** The schema as single statements (D1 prepares one statement at a time). */
export function d1MigrationStatements(sql: string = D1_MIGRATIONS.map((m) => m.sql).join("\n")): string[] {
  return sql
    .split(";")
    .map((s) => s.replace(/^\s*--.*$/gm, "").trim())
    .filter(Boolean);
}
