/**
 * The built CLI (`dist/cli.js`, run `npx tsup` first) on 12,000 keys, as child processes: progress
 * lines, summaries, SIGINT/SIGTERM stops, a `kill -9` midway and the re-run that finishes the job.
 * The source is a real redis-server; targets are Redis databases and fs directories.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createReadStream } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Storage } from "@keyhive/gateway";
import { type RedisServer, startRedis } from "@keyhive/gateway/testing";
import { listAll, makeKeys } from "@keyhive/gateway/testing/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFsStorage } from "./fs.js";
import { createRedisStorage } from "./redis.js";

const KEYS = 12_000;
const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const RESUME = "run the same command again to resume";
const PROGRESS = /^keyhive-storage: keys (\d+)\/12000 \((\d+) written, (\d+) skipped\), history \d+, \d+\.\d s$/gm;

let server: RedisServer;
let dir: string;
let source: string;
let sourceIds: string[];
const opened: Storage[] = [];

beforeAll(async () => {
  server = await startRedis();
  dir = await mkdtemp(join(tmpdir(), "keyhive-cli-copy-"));
  source = `${server.url}/0`;
  const storage = await redisAt(0);
  const keys = await makeKeys("openai", KEYS, "large");
  for (let i = 0; i < KEYS; i += 2000) await storage.keys.add(keys.slice(i, i + 2000));
  await storage.tokens.put({ id: "t1", name: "ci", hash: "cd".repeat(32), hint: "kh-cd…ef", createdAt: 1 });
  await storage.settings.set("strategy", "round-robin");
  const at = Date.now() - 60_000;
  await storage.history.append([
    { at, kind: "balance", keyId: keys[1]?.id, data: { balance: 3 } },
    { at: at + 1, kind: "status", keyId: keys[2]?.id, data: { status: "invalid" } },
  ]);
  sourceIds = keys.map((k) => k.id).sort();
}, 60_000);

afterAll(async () => {
  for (const storage of opened) await storage.close?.();
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function redisAt(db: number): Promise<Storage> {
  const storage = await createRedisStorage({ url: `${server.url}/${db}` });
  opened.push(storage);
  return storage;
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The JSON summary: the last line on stderr. */
  summary: Record<string, unknown>;
}

/** Runs the built CLI; `watch` sees stderr as it grows (to signal the child midway). */
function runCli(
  args: string[],
  options: { stdin?: string; watch?: (stderr: string, child: ChildProcess) => void } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, KEYHIVE_ENCRYPTION_KEY: "" } });
    let [stdout, stderr] = ["", ""];
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      options.watch?.(stderr, child);
    });
    child.stdin.on("error", () => {}); // a child stopped early leaves the rest of its input unread
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const last = stderr.trim().split("\n").at(-1) ?? "";
      resolve({ code, signal, stdout, stderr, summary: last.startsWith("{") ? JSON.parse(last) : {} });
    });
    if (options.stdin) createReadStream(options.stdin).pipe(child.stdin);
    else child.stdin.end();
  });
}

/** Sends `signal` once a progress line shows at least `written` keys written by this run. */
function signalAt(signal: NodeJS.Signals, written: number) {
  let sent = false;
  return (stderr: string, child: ChildProcess) => {
    const lines = [...stderr.matchAll(PROGRESS)];
    if (!sent && lines.some((m) => Number(m[2]) >= written)) {
      sent = true;
      child.kill(signal);
    }
  };
}

const progressLines = (stderr: string) => [...stderr.matchAll(PROGRESS)].map((m) => m[0]);
const noFailures = { keys: 0, tokens: 0, settings: 0, history: 0 };

describe("keyhive-storage migrate: progress and summary", () => {
  it("prints a progress line per chunk of 500 keys (--progress-ms 0) and a summary", async () => {
    const run = await runCli(["migrate", "--from", source, "--to", `${server.url}/1`, "--progress-ms", "0"]);
    expect(run.code).toBe(0);
    const lines = progressLines(run.stderr);
    expect(lines[0]).toMatch(/keys 500\/12000 \(500 written, 0 skipped\)/);
    expect(lines.filter((l) => l.includes("keys 12000/12000 (12000 written, 0 skipped)")).length).toBeGreaterThan(0);
    expect(lines.length).toBeGreaterThanOrEqual(KEYS / 500);
    expect(run.stderr).toMatch(
      /keyhive-storage: done in \d+\.\d s: keys 12000 written, 0 skipped, 0 failed; tokens 1 written, 0 failed; settings 1 written, 0 skipped \(auth records\), 0 failed; history 2 written, 0 skipped, 0 failed\n/,
    );
    expect(run.summary).toMatchObject({ keys: KEYS, duplicates: 0, tokens: 1, settings: 1, history: 2 });
    expect(run.summary).toMatchObject({ historySkipped: 0, complete: true, failed: noFailures });
    expect(run.summary.elapsedMs).toBeTypeOf("number");
    expect(await (await redisAt(1)).keys.count()).toBe(KEYS);
  });

  it("run again, it skips every key and history entry, with at most one progress line a second", async () => {
    const run = await runCli(["migrate", "--from", source, "--to", `${server.url}/1`]);
    expect(run.code).toBe(0);
    expect(run.summary).toMatchObject({ keys: 0, duplicates: KEYS, history: 0, historySkipped: 2, tokens: 1 });
    expect(progressLines(run.stderr).length).toBeLessThanOrEqual(Math.floor((run.summary.elapsedMs as number) / 1000));
    const target = await redisAt(1);
    expect(await target.keys.count()).toBe(KEYS);
    expect(await target.history.query({ since: 0 })).toHaveLength(2);
  });
});

let backup: string;
let backupLines: string[];

describe("keyhive-storage export and import of a backup file", () => {
  it("export streams the backup to stdout, progress and a summary to stderr; the header announces the counts", async () => {
    const run = await runCli(["export", "--from", source, "--progress-ms", "0"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^keyhive-storage: keys 500\/12000 exported, \d+\.\d s$/m);
    expect(run.stderr).toMatch(
      /keyhive-storage: exported in \d+\.\d s: keys 12000, tokens 1, settings 1, history 2\n$/,
    );
    backupLines = run.stdout.trim().split("\n");
    expect(backupLines).toHaveLength(1 + KEYS + 1 + 1 + 2);
    const header = JSON.parse(backupLines[0] as string);
    expect(header.counts).toEqual({ keys: KEYS, tokens: 1, settings: 1, history: 2 });
    backup = join(dir, "backup.jsonl");
    await writeFile(backup, run.stdout);
  });

  it("SIGTERM stops an import after the chunk being written: exit 143, what was done, how to resume", async () => {
    const target = join(dir, "term");
    const run = await runCli(["import", "--to", `fs:${target}`, "--progress-ms", "0"], {
      stdin: backup,
      watch: signalAt("SIGTERM", 500),
    });
    expect(run.code).toBe(143);
    expect(run.stderr).toContain("keyhive-storage: SIGTERM: stopping after the chunk being written");
    expect(run.stderr).toMatch(/keyhive-storage: stopped by SIGTERM after \d+\.\d s: keys \d+ written, 0 skipped/);
    expect(run.stderr).toContain(`keyhive-storage: ${RESUME}: keys and history entries already in the target`);
    expect(run.summary).toMatchObject({ complete: false, duplicates: 0 });
    const written = run.summary.keys as number;
    expect(written).toBeGreaterThanOrEqual(500);
    expect(written).toBeLessThan(KEYS);
    expect(await createFsStorage({ dir: target }).keys.count()).toBe(written);
  });

  it("fails, exit 1, when the input holds fewer records than its header announced (a backup cut short)", async () => {
    const cut = join(dir, "cut.jsonl");
    await writeFile(cut, `${backupLines.slice(0, 1 + 5000).join("\n")}\n`);
    const run = await runCli(["import", "--to", `${server.url}/2`], { stdin: cut });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/keyhive-storage: input cut short after \d+\.\d s: keys 5000 written/);
    expect(run.stderr).toContain(
      "the input held 5000 of 12000 keys, 0 of 1 tokens, 0 of 1 settings, 0 of 2 history its header announced",
    );
    expect(run.summary).toMatchObject({ keys: 5000, complete: true });
  });

  it("a bad line stops the import, exit 1, after the lines before it were written", async () => {
    const bad = join(dir, "bad.jsonl");
    await writeFile(bad, `${[...backupLines.slice(0, 4), "{oops", ...backupLines.slice(4, 10)].join("\n")}\n`);
    const run = await runCli(["import", "--to", `${server.url}/3`], { stdin: bad });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("keyhive-storage: line 5 is not JSON");
    expect(run.stderr).toMatch(/keyhive-storage: failed after \d+\.\d s: keys 3 written, 0 skipped, 0 failed/);
    expect(run.stderr).toContain(`keyhive-storage: fix the cause, then ${RESUME}`);
    expect(await (await redisAt(3)).keys.count()).toBe(3);
  });
});

describe("keyhive-storage import into a target whose writes fail", () => {
  it("prints the error, the summary with the failed records, how to resume; exit 1", async () => {
    const target = join(dir, "broken");
    await mkdir(join(target, "keys"), { recursive: true });
    await writeFile(join(target, "keys", "openai"), "a file where the driver needs a directory");
    const input = join(dir, "first-600.jsonl");
    await writeFile(input, `${backupLines.slice(0, 601).join("\n")}\n`);
    const run = await runCli(["import", "--to", `fs:${target}`], { stdin: input });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("keyhive-storage: writing 500 keys failed (input read up to line 501): ");
    expect(run.stderr).toMatch(/keyhive-storage: failed after \d+\.\d s: keys 0 written, 0 skipped, 500 failed;/);
    expect(run.stderr).toContain(`keyhive-storage: fix the cause, then ${RESUME}`);
    expect(run.summary).toMatchObject({ keys: 0, failed: { keys: 500, tokens: 0, settings: 0, history: 0 } });
  });
});

describe("keyhive-storage migrate into fs, interrupted: SIGINT, then kill -9, then a re-run", () => {
  const target = () => join(dir, "interrupted");
  const args = () => ["migrate", "--from", source, "--to", `fs:${target()}`, "--progress-ms", "0"];
  const stored = () => createFsStorage({ dir: target() }).keys.count();
  let beforeKill = 0;

  it("SIGINT stops after the chunk being written: exit 130, what was done, how to resume", async () => {
    const run = await runCli(args(), { watch: signalAt("SIGINT", 500) });
    expect(run.code).toBe(130);
    expect(run.stderr).toContain("keyhive-storage: SIGINT: stopping after the chunk being written");
    expect(run.stderr).toMatch(/keyhive-storage: stopped by SIGINT after \d+\.\d s: keys \d+ written, 0 skipped/);
    expect(run.stderr).toContain(`keyhive-storage: ${RESUME}`);
    expect(run.summary).toMatchObject({ complete: false });
    expect(await stored()).toBe(run.summary.keys);
    expect(run.summary.keys).toBeLessThan(KEYS);
  });

  it("kill -9 midway leaves whole records only", async () => {
    beforeKill = await stored();
    const run = await runCli(args(), { watch: signalAt("SIGKILL", 1000) });
    expect(run.signal).toBe("SIGKILL");
    const count = await stored();
    expect(count).toBeGreaterThanOrEqual(beforeKill + 1000);
    expect(count).toBeLessThan(KEYS);
    beforeKill = count;
  });

  it("the re-run skips what is there, copies the rest: 12,000 keys, none twice, history once", async () => {
    const run = await runCli(args());
    expect(run.code).toBe(0);
    expect(run.summary).toMatchObject({ duplicates: beforeKill, keys: KEYS - beforeKill, complete: true });
    expect(run.summary).toMatchObject({ history: 2, historySkipped: 0, failed: noFailures });
    const storage = createFsStorage({ dir: target() });
    const ids = (await listAll(storage, { limit: 1000 })).items.map((k) => k.id).sort();
    expect(ids).toEqual(sourceIds);
    const files = (await readdir(join(target(), "keys", "openai"))).filter((name) => !name.startsWith("."));
    expect(files).toHaveLength(KEYS);
    expect(await storage.history.query({ since: 0 })).toHaveLength(2);
  });
});
