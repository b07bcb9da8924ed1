/**
 * What every D1 record store shares: the binding, the one-time migration, the clock and batched
 * writes. Its own module so the stores and `createD1Storage` can all import it without importing
 * each other.
 */
import type { D1DatabaseLike, D1StatementLike } from "./d1-binding.js";
import { d1MigrationStatements } from "./d1-schema.js";
import { guardD1Schema } from "./d1-schema-guard.js";

export type { D1DatabaseLike, D1StatementLike } from "./d1-binding.js";

export interface D1Context {
  db: D1DatabaseLike;
  /** Resolves once the schema is applied; every operation awaits it before its first statement. */
  init: () => Promise<unknown>;
  now: () => number;
  /** Runs statements in D1 batches of `batchSize`, results in statement order. */
  batched: (statements: D1StatementLike[]) => Promise<{ results: unknown[]; meta: { changes: number } }[]>;
}

export interface D1ContextOptions {
  binding: D1DatabaseLike;
  migrate?: boolean;
  databaseName?: string;
  batchSize?: number;
  now?: () => number;
}

export function createD1Context(options: D1ContextOptions): D1Context {
  // A missing table answers a 503 naming the migration command, not an opaque 500.
  const db = guardD1Schema(options.binding, options.databaseName ?? "<database_name>");
  const batchSize = options.batchSize ?? 200;
  // One migration per storage, started by the first operation rather than at construction, so
  // creating a storage in a Worker's global scope does no I/O.
  let ready: Promise<unknown> | undefined;
  const init = () => {
    if (options.migrate === false) return Promise.resolve();
    ready ??= db.batch(d1MigrationStatements().map((sql) => db.prepare(sql)));
    return ready;
  };
  const batched = async (statements: D1StatementLike[]) => {
    const out = [];
    for (let i = 0; i < statements.length; i += batchSize)
      out.push(...(await db.batch(statements.slice(i, i + batchSize))));
    return out;
  };
  return { db, init, now: options.now ?? Date.now, batched };
}
