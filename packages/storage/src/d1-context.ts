/**
 * What every D1 record store shares: the binding, the one-time migration, the clock and batched
 * writes. Its own module so the stores and `createD1Storage` can all import it without importing
 * each other.
 */
import { d1MigrationStatements } from "./d1-schema.js";

/** The part of a Workers `D1Database` binding this storage uses. */
export interface D1DatabaseLike {
  prepare(sql: string): D1StatementLike;
  batch<T = unknown>(statements: D1StatementLike[]): Promise<{ results: T[]; meta: { changes: number } }[]>;
}

export interface D1StatementLike {
  bind(...values: unknown[]): D1StatementLike;
  all<T = Record<string, unknown>>(): Promise<{ results: T[]; meta: { changes: number } }>;
  first<T = Record<string, unknown>>(): Promise<T | null>;
  run(): Promise<{ meta: { changes: number } }>;
}

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
  batchSize?: number;
  now?: () => number;
}

export function createD1Context(options: D1ContextOptions): D1Context {
  const db = options.binding;
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
