-- Keyhive request log for Cloudflare D1 (SQLite). Every statement is idempotent.
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
