/**
 * A D1 database without Keyhive's tables (`migrate: false` and `wrangler d1 migrations apply`
 * not run yet) fails every statement with `no such table: …`, which the gateway would answer as
 * an opaque 500. This wrapper turns exactly that D1 error into a 503 naming the command that
 * fixes it, and logs it once per storage (isolate); every other error passes through unchanged.
 */
import { GatewayError } from "@keyhive/gateway";
import type { D1DatabaseLike, D1StatementLike } from "./d1-binding.js";

/** The part of D1's message that means a missing table (`D1_ERROR: no such table: settings: SQLITE_ERROR`). */
const NO_SUCH_TABLE = /no such table: ([\w.]+)/;

/** The error code of the 503, for clients and tests. */
export const D1_SCHEMA_MISSING_CODE = "storage_not_migrated";

/** The sentence the 503 and the log carry: what is missing and the two commands that apply the schema. */
export function d1SchemaMissingMessage(databaseName: string, table: string): string {
  const apply = `npx wrangler d1 migrations apply ${databaseName}`;
  return (
    `Keyhive's D1 database has no tables yet (D1: no such table: ${table}): apply the migrations, then retry. ` +
    `Local (wrangler dev): \`${apply} --local\`. Deployed: \`${apply} --remote\`.`
  );
}

/**
 * `binding` whose statements answer a missing table with a 503 `storage_not_migrated`.
 * @param databaseName the `database_name` of wrangler.toml, named in the command
 */
export function guardD1Schema(binding: D1DatabaseLike, databaseName: string): D1DatabaseLike {
  let logged = false;
  const guard = async <T>(operation: Promise<T>): Promise<T> => {
    try {
      return await operation;
    } catch (error) {
      const table = NO_SUCH_TABLE.exec(String((error as Error)?.message ?? error))?.[1];
      if (table === undefined) throw error;
      const message = d1SchemaMissingMessage(databaseName, table);
      if (!logged) console.error(`[keyhive] ${message}`);
      logged = true;
      throw new GatewayError(message, { status: 503, type: "server_error", code: D1_SCHEMA_MISSING_CODE });
    }
  };
  // Wrapped statements keep the binding's own inside: D1's batch() accepts only those.
  const inner = new WeakMap<D1StatementLike, D1StatementLike>();
  const wrap = (statement: D1StatementLike): D1StatementLike => {
    const wrapped: D1StatementLike = {
      bind: (...values) => wrap(statement.bind(...values)),
      all: <T>() => guard(statement.all<T>()),
      first: <T>() => guard(statement.first<T>()),
      run: () => guard(statement.run()),
    };
    inner.set(wrapped, statement);
    return wrapped;
  };
  return {
    prepare: (sql) => wrap(binding.prepare(sql)),
    batch: <T>(statements: D1StatementLike[]) => guard(binding.batch<T>(statements.map((s) => inner.get(s) ?? s))),
  };
}
