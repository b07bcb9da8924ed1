/** The missing-schema guard, on a fake binding that fails as D1 does (workerd: examples/workers-d1). */
import { GatewayError } from "@keyhive/gateway";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createD1Storage, type D1DatabaseLike, type D1StatementLike } from "./cloudflare-d1.js";

/** A binding whose every statement fails with `message`; batch() records what it was given. */
function failingBinding(message: string) {
  const batches: unknown[][] = [];
  const statement = (): D1StatementLike => {
    const fail = () => Promise.reject(new Error(message));
    const self: D1StatementLike = { bind: () => self, all: fail, first: fail, run: fail };
    return self;
  };
  const binding: D1DatabaseLike = {
    prepare: () => statement(),
    batch: (statements) => {
      batches.push(statements);
      return Promise.reject(new Error(message));
    },
  };
  return { binding, batches };
}

afterEach(() => vi.restoreAllMocks());

describe("createD1Storage without its tables", () => {
  it("answers a 503 naming the migration command, logged once", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const { binding } = failingBinding("D1_ERROR: no such table: settings: SQLITE_ERROR");
    const storage = createD1Storage({ binding, migrate: false, databaseName: "keyhive" });
    const error = await storage.settings.get("x").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: 503, code: "storage_not_migrated", type: "server_error" });
    const { message } = error as GatewayError;
    expect(message).toContain("no such table: settings");
    expect(message).toContain("`npx wrangler d1 migrations apply keyhive --local`");
    expect(message).toContain("`npx wrangler d1 migrations apply keyhive --remote`");
    // Writes (D1 batches) too; the log says it once per storage.
    await expect(storage.tokens.put({ id: "t", name: "t", hash: "h", hint: "…", createdAt: 0 })).rejects.toThrow(
      message,
    );
    await expect(storage.keys.count()).rejects.toBeInstanceOf(GatewayError);
    expect(logged).toHaveBeenCalledTimes(1);
    expect(logged.mock.calls[0]?.[0]).toBe(`[keyhive] ${message}`);
  });

  it("passes every other D1 error through unchanged", async () => {
    const { binding } = failingBinding("D1_ERROR: database is locked");
    const storage = createD1Storage({ binding, migrate: false, databaseName: "keyhive" });
    const error = await storage.settings.get("x").catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(GatewayError);
    expect((error as Error).message).toBe("D1_ERROR: database is locked");
  });

  it("hands D1's batch() the binding's own statements, not its wrappers", async () => {
    const raw = new Set<D1StatementLike>();
    const { binding, batches } = failingBinding("D1_ERROR: database is locked");
    const prepare = binding.prepare;
    binding.prepare = (sql) => {
      const statement = prepare(sql);
      raw.add(statement);
      return statement;
    };
    const storage = createD1Storage({ binding, migrate: false });
    await storage.settings.set("x", 1).catch(() => {});
    expect(batches).toHaveLength(1);
    for (const statement of batches[0] ?? []) expect(raw.has(statement as D1StatementLike)).toBe(true);
  });
});
