import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { withEncryption } from "@keyhive/storage";
import { createD1Storage } from "@keyhive/storage/cloudflare-d1";
import { describe, expect, it } from "vitest";
import { unstable_splitSqlQuery } from "wrangler";
import { testWorker } from "../../workers-kv/test/worker.case.js";

const dir = fileURLToPath(new URL("..", import.meta.url));
const migrationsDir = fileURLToPath(new URL("../migrations", import.meta.url));
const ENCRYPTION_KEY = "worker-test-encryption-secret";

describe("migrations", () => {
  it("are a copy of @keyhive/storage's D1 schema (update: cp node_modules/@keyhive/storage/migrations/*.sql migrations/)", () => {
    const storageMigrations = createRequire(import.meta.url).resolve("@keyhive/storage/migrations/0001_init.sql");
    const upstreamDir = fileURLToPath(new URL(".", `file://${storageMigrations}`));
    expect(readdirSync(migrationsDir)).toEqual(readdirSync(upstreamDir));
    for (const file of readdirSync(upstreamDir)) {
      expect(readFileSync(`${migrationsDir}/${file}`, "utf8"), file).toBe(
        readFileSync(`${upstreamDir}/${file}`, "utf8"),
      );
    }
  });
});

testWorker({
  name: "workers-d1",
  dir,
  bindings: { KEYHIVE_ENCRYPTION_KEY: ENCRYPTION_KEY },
  // What `wrangler d1 migrations apply` does: run each file of migrations_dir, in order.
  prepare: async (mf) => {
    const db = await mf.getD1Database("KEYHIVE_DB");
    for (const file of readdirSync(migrationsDir).sort()) {
      const statements = unstable_splitSqlQuery(readFileSync(`${migrationsDir}/${file}`, "utf8"));
      await db.batch(statements.map((sql) => db.prepare(sql)));
    }
  },
  openStorage: async (mf) =>
    withEncryption(createD1Storage({ binding: await mf.getD1Database("KEYHIVE_DB"), migrate: false }), {
      secret: ENCRYPTION_KEY,
    }),
  inspectStored: async (mf, secrets) => {
    const db = await mf.getD1Database("KEYHIVE_DB");
    const rows = (await db.prepare("SELECT record FROM keys").all<{ record: string }>()).results;
    expect(rows).toHaveLength(secrets.length);
    for (const { record } of rows) {
      expect(record).toContain("enc:v1:"); // KEYHIVE_ENCRYPTION_KEY seals secrets at rest
      for (const secret of secrets) expect(record).not.toContain(secret);
    }
  },
});
