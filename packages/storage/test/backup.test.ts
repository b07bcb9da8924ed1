import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Storage } from "@keyhive/gateway";
import { type RedisServer, startRedis } from "@keyhive/gateway/testing";
import { listAll, makeKeys } from "@keyhive/gateway/testing/storage";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportStore } from "../src/backup.js";
import { importStore } from "../src/backup-import.js";
import { D1_MIGRATION_SQL, D1_MIGRATIONS } from "../src/cloudflare-d1.js";
import { withEncryption } from "../src/encryption.js";
import { createFsStorage } from "../src/fs.js";
import { createMemoryStorage } from "../src/memory.js";
import { createRedisStorage } from "../src/redis.js";

let server: RedisServer;
let dir: string;

beforeAll(async () => {
  server = await startRedis();
  dir = await mkdtemp(join(tmpdir(), "keyhive-backup-"));
});

afterAll(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function seed(storage: Storage) {
  const keys = await makeKeys("openai", 1200, "backup");
  await storage.keys.add([...keys, ...(await makeKeys("gemini", 30, "backup"))]);
  await storage.keys.patch(keys[0]?.id as string, { status: "invalid", lastError: "401" });
  await storage.tokens.put({ id: "t1", name: "ci", hash: "cd".repeat(32), hint: "kh-cd…ef", createdAt: 1 });
  await storage.settings.set("strategy", "round-robin");
  await storage.history.append([{ at: Date.now() - 1000, kind: "balance", keyId: keys[1]?.id, data: { balance: 3 } }]);
}

async function snapshot(storage: Storage) {
  const keys = (await listAll(storage, { limit: 1000 })).items.sort((a, b) => a.id.localeCompare(b.id));
  return { keys, tokens: await storage.tokens.list(), settings: await storage.settings.all() };
}

function runCli(
  args: string[],
  input?: string,
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["dist/cli.js", ...args], {
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, KEYHIVE_ENCRYPTION_KEY: "", KEYHIVE_NEW_ENCRYPTION_KEY: "", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? "");
  });
}

describe("backup and migration", () => {
  it("exports fs and imports into redis with identical keys, tokens, settings and history", async () => {
    const from = createFsStorage({ dir: join(dir, "api") });
    await seed(from);
    const lines: string[] = [];
    for await (const line of exportStore(from)) lines.push(line);
    expect(lines[0]).toContain('"keyhive-backup"');
    const to = await createRedisStorage({ url: server.url, base: "api" });
    const result = await importStore(to, lines);
    expect(result).toMatchObject({ keys: 1230, duplicates: 0, tokens: 1, settings: 1, history: 1 });
    expect(await snapshot(to)).toEqual(await snapshot(from));
    expect((await to.history.query({ since: 0, kind: "balance" })).length).toBe(1);
    expect((await importStore(to, lines)).duplicates).toBe(1230);
    await to.close?.();
  });

  it("runs the keyhive-storage CLI: export --from fs: | import --to redis://", async () => {
    const fsDir = join(dir, "cli");
    await seed(createFsStorage({ dir: fsDir }));
    const exported = await runCli(["export", "--from", `fs:${fsDir}`]);
    expect(exported.code).toBe(0);
    expect(exported.stdout.trim().split("\n").length).toBe(1 + 1230 + 1 + 1 + 1);
    const imported = await runCli(["import", "--to", `${server.url}/1`], exported.stdout);
    expect(imported.stderr).toContain('"keys":1230');
    expect(imported.code).toBe(0);
    const redis = new Redis(`${server.url}/1`);
    const target = await createRedisStorage({ client: redis });
    expect(await snapshot(target)).toEqual(await snapshot(createFsStorage({ dir: fsDir })));
    await redis.quit();
    expect((await runCli(["nope"])).code).toBe(2);
  });

  it("leaves auth records out of exports and imports unless --include-auth / includeAuth", async () => {
    const from = createFsStorage({ dir: join(dir, "auth") });
    await from.settings.set("auth.sessionSecret", "signing-secret-not-for-backups");
    await from.settings.set("auth.adminPasswordHash", "pbkdf2$1$00$hash");
    await from.settings.set("setting.guestPasswordHash", "pbkdf2$1$00$guest");
    await from.settings.set("setting.retries", 1);
    const plain = await runCli(["export", "--from", `fs:${join(dir, "auth")}`]);
    expect(plain.stdout).not.toContain("signing-secret-not-for-backups");
    expect(plain.stdout).not.toContain("pbkdf2$");
    expect(plain.stdout).toContain('"setting.retries"');
    expect(JSON.parse(plain.stdout.split("\n")[0] as string)).toMatchObject({ includesAuth: false });
    const full = await runCli(["export", "--from", `fs:${join(dir, "auth")}`, "--include-auth"]);
    expect(full.stdout).toContain("signing-secret-not-for-backups");

    const to = createFsStorage({ dir: join(dir, "auth-target") });
    await to.settings.set("auth.sessionSecret", "the-target-s-own");
    expect(await importStore(to, [full.stdout])).toMatchObject({ settings: 1, skippedAuth: 3 });
    expect(await to.settings.get("auth.sessionSecret")).toBe("the-target-s-own");
    expect(await importStore(to, [full.stdout], { includeAuth: true })).toMatchObject({ settings: 4, skippedAuth: 0 });
    expect(await to.settings.get("auth.sessionSecret")).toBe("signing-secret-not-for-backups");
  });

  it("runs keyhive-storage rotate-key: every secret moves to KEYHIVE_NEW_ENCRYPTION_KEY", async () => {
    const fsDir = join(dir, "rotate");
    const [oldKey, newKey] = ["old-secret-0123456789abcdef0123", "new-secret-0123456789abcdef0123"];
    const before = withEncryption(createFsStorage({ dir: fsDir }), { secret: oldKey });
    await seed(before);
    await before.settings.set("auth.sessionSecret", "signing-secret");
    const expected = await snapshot(before);

    const missing = await runCli(["rotate-key", "--store", `fs:${fsDir}`], "", { KEYHIVE_ENCRYPTION_KEY: oldKey });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("KEYHIVE_NEW_ENCRYPTION_KEY");
    const rotated = await runCli(["rotate-key", "--store", `fs:${fsDir}`], "", {
      KEYHIVE_ENCRYPTION_KEY: oldKey,
      KEYHIVE_NEW_ENCRYPTION_KEY: newKey,
    });
    expect(rotated.stderr).toContain('"keys":1230');
    expect(rotated.code).toBe(0);

    const after = withEncryption(createFsStorage({ dir: fsDir }), { secret: newKey });
    expect(await snapshot(after)).toEqual(expected);
    expect(await after.settings.get("auth.sessionSecret")).toBe("signing-secret");
    await expect(withEncryption(createFsStorage({ dir: fsDir }), { secret: oldKey }).keys.list()).rejects.toThrow();
    // The export with the new secret holds the plaintext secrets again, identical to before.
    const exported = await runCli(["export", "--from", `fs:${fsDir}`], "", { KEYHIVE_ENCRYPTION_KEY: newKey });
    expect(exported.stdout).toContain(expected.keys[0]?.secret);
  });
});

describe("D1 migration", () => {
  it("ships migrations/0001_init.sql equal to the exported D1_MIGRATION_SQL", async () => {
    expect(await readFile(new URL("../migrations/0001_init.sql", import.meta.url), "utf8")).toBe(D1_MIGRATION_SQL);
  });

  it("ships every migration file the storage applies, byte for byte, and no other", async () => {
    const { readdir } = await import("node:fs/promises");
    const dir = new URL("../migrations/", import.meta.url);
    expect((await readdir(dir)).sort()).toEqual(D1_MIGRATIONS.map((m) => m.file));
    for (const { file, sql } of D1_MIGRATIONS) expect(await readFile(new URL(file, dir), "utf8"), file).toBe(sql);
  });
});

describe("exportStore and transient state", () => {
  it("leaves job progress records (job.*) out of a backup", async () => {
    const storage = createMemoryStorage();
    await storage.settings.set("job.check.abc", { id: "abc", done: 3 });
    await storage.settings.set("setting.retries", 2);
    let text = "";
    for await (const line of exportStore(storage)) text += line;
    expect(text).toContain("setting.retries");
    expect(text).not.toContain("job.check.abc");
  });
});
