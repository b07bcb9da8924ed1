/**
 * Security configuration of the real `bun run src/main.ts` process: a weak admin password stops
 * the start, the socket's peer (server.requestIP) is the client unless KEYHIVE_TRUST_PROXY, and
 * KEYHIVE_ENCRYPTION_KEY leaves no plaintext key on disk.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const BUN = fileURLToPath(new URL("../../../node_modules/.bin/bun", import.meta.url));
const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));
const ADMIN = "bun-security-admin-pw";
const KEY = "sk-bun-secret-upstream-0001";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGTERM");
});

async function start(env: Record<string, string>) {
  const child = spawn(BUN, ["run", MAIN], {
    env: {
      ...process.env,
      PORT: "0",
      KEYHIVE_DATA_DIR: mkdtempSync(join(tmpdir(), "keyhive-bun-security-")),
      KEYHIVE_ADMIN_PASSWORD: ADMIN,
      KEYHIVE_CLIENT_TOKENS: "kh-bun-security",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  child.stdout?.on("data", (d) => {
    out += String(d);
  });
  child.stderr?.on("data", (d) => {
    out += String(d);
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  for (const deadline = Date.now() + 20_000; Date.now() < deadline && child.exitCode === null; await sleep(25)) {
    const url = /listening on (http:\/\/\S+);/.exec(out)?.[1];
    if (url) return { url, child, exited, output: () => out };
  }
  return { url: undefined, child, code: await exited, exited, output: () => out };
}

const login = (url: string, password: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/admin/api/login`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ password }),
  }).then((r) => r.status);

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe("Bun security configuration", () => {
  it("refuses a weak KEYHIVE_ADMIN_PASSWORD with the reason and exit status 1", async () => {
    const run = await start({ KEYHIVE_ADMIN_PASSWORD: "short" });
    expect(run.url).toBeUndefined();
    expect(run.code).toBe(1);
    expect(run.output()).toContain(
      "keyhive: The configured admin password (KEYHIVE_ADMIN_PASSWORD) is 5 characters long: it must be at least 12.",
    );
  });

  it("a malformed KEYHIVE_DRAIN_MS and a mistyped name: one message, exit status 1", async () => {
    const run = await start({ KEYHIVE_DRAIN_MS: "10s", KEYHIVE_RECHECK_INTERVAL: "1000" });
    expect(run.url).toBeUndefined();
    expect(run.code).toBe(1);
    expect(run.output()).toContain("keyhive: 2 configuration problems:");
    expect(run.output()).toContain("- KEYHIVE_DRAIN_MS must be an integer from 0 to 2147483647, got '10s'.");
    expect(run.output()).toContain(
      "- KEYHIVE_RECHECK_INTERVAL is not a Keyhive variable — did you mean KEYHIVE_RECHECK_INTERVAL_MS?",
    );
  });

  it("throttles by the socket's address: a new X-Forwarded-For per guess buys nothing", async () => {
    const run = await start({});
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++)
      statuses.push(await login(run.url as string, `wrong-${i}`, { "x-forwarded-for": `198.51.100.${i}` }));
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
  });

  it("KEYHIVE_TRUST_PROXY=1 believes the proxy's hop; KEYHIVE_ENCRYPTION_KEY keeps keys off the disk in plaintext", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "keyhive-bun-encrypted-"));
    const run = await start({
      KEYHIVE_DATA_DIR: dataDir,
      KEYHIVE_TRUST_PROXY: "1",
      KEYHIVE_ENCRYPTION_KEY: "bun-test-encryption-key-0123456789abcdef",
    });
    const url = run.url as string;
    for (let i = 0; i < 5; i++) expect(await login(url, "wrong", { "x-forwarded-for": "203.0.113.1" })).toBe(401);
    expect(await login(url, ADMIN, { "x-forwarded-for": "203.0.113.2" })).toBe(200);
    const added = await fetch(`${url}/admin/api/keys`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${ADMIN}`,
        "content-type": "application/json",
        "x-forwarded-for": "203.0.113.3",
      },
      body: JSON.stringify({ provider: "openai", keys: KEY }),
    });
    expect(added.status).toBe(201);
    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(0);
    const all = filesUnder(dataDir)
      .map((file) => readFileSync(file, "utf8"))
      .join("\n");
    expect(all).toContain("enc:v1:");
    expect(all).not.toContain(KEY);
  });
});
