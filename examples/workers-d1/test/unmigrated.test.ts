/**
 * A D1 Worker whose migrations were never applied: every request answers a 503 naming the exact
 * `wrangler d1 migrations apply` command for the database of wrangler.toml (logged once), and the
 * Worker serves as soon as the migrations are applied, without a restart.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unstable_splitSqlQuery } from "wrangler";
import { type StartedWorker, startWorker } from "../../workers-kv/test/start-worker.js";

const dir = fileURLToPath(new URL("..", import.meta.url));
const ADMIN = "worker-admin-password-123";
const TOKEN = "kh-unmigrated-client-token";
const databaseName = /^database_name\s*=\s*"([^"]+)"/m.exec(readFileSync(`${dir}/wrangler.toml`, "utf8"))?.[1];

let worker: StartedWorker;

beforeAll(async () => {
  worker = await startWorker(dir, { KEYHIVE_ADMIN_PASSWORD: ADMIN, KEYHIVE_CLIENT_TOKENS: TOKEN });
});
afterAll(async () => {
  await worker?.close();
});

async function expectMigrationError(res: Response) {
  expect(res.status).toBe(503);
  const body = (await res.json()) as { error: { message: string; type: string; code: string } };
  expect(body.error).toMatchObject({ type: "server_error", code: "storage_not_migrated" });
  expect(body.error.message).toContain("no such table: settings");
  expect(body.error.message).toContain(`\`npx wrangler d1 migrations apply ${databaseName} --local\``);
  expect(body.error.message).toContain(`\`npx wrangler d1 migrations apply ${databaseName} --remote\``);
  return body.error.message;
}

describe("workers-d1 without its migrations", () => {
  it("names wrangler.toml's database (src/index.ts passes the same databaseName)", () => {
    expect(databaseName).toBe("keyhive");
    expect(readFileSync(`${dir}/src/index.ts`, "utf8")).toContain(`databaseName: "${databaseName}"`);
  });

  it("answers /v1/chat/completions and /admin with a 503 naming the command, logged once", async () => {
    const message = await expectMigrationError(
      await worker.call("/v1/chat/completions", {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }),
      }),
    );
    expect(await expectMigrationError(await worker.call("/admin", { headers: { accept: "text/html" } }))).toBe(message);
    await expectMigrationError(await worker.call("/admin/api/session"));
    // workerd flushes the Worker's stderr asynchronously.
    for (const deadline = Date.now() + 5_000; !worker.stderr().includes(message) && Date.now() < deadline; )
      await new Promise((r) => setTimeout(r, 50));
    expect(worker.stderr().split(`[keyhive] ${message}`)).toHaveLength(2);
  });

  it("serves once the migrations are applied (as wrangler does), without a restart", async () => {
    const db = await worker.mf.getD1Database("KEYHIVE_DB");
    for (const file of readdirSync(`${dir}/migrations`).sort()) {
      const statements = unstable_splitSqlQuery(readFileSync(`${dir}/migrations/${file}`, "utf8"));
      await db.batch(statements.map((sql) => db.prepare(sql)));
    }
    const ui = await worker.call("/admin");
    expect(ui.status).toBe(200);
    expect(ui.headers.get("content-type")).toContain("text/html");
    const keys = await worker.call("/admin/api/keys", { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(keys.status).toBe(200);
    expect(((await keys.json()) as { data: unknown[] }).data).toEqual([]);
  });
});
