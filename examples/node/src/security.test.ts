/**
 * Security configuration on the real `node dist/main.js` process: a weak admin password or a bad
 * KEYHIVE_TRUST_PROXY stops the start, KEYHIVE_ENCRYPTION_KEY leaves no plaintext key on disk,
 * KEYHIVE_PUBLIC_URL pins the base URL, and X-Forwarded-For counts only under KEYHIVE_TRUST_PROXY.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type MockOpenAI, startMockOpenAI } from "@keyhive/provider-openai/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const ADMIN = "node-security-admin-pw";
const TOKEN = "kh-node-security-client";
const KEYS = ["sk-node-secret-upstream-0001", "sk-node-secret-upstream-0002"];

let mock: MockOpenAI;
beforeAll(async () => {
  mock = await startMockOpenAI({ keys: Object.fromEntries(KEYS.map((k) => [k, "ok"])) });
});
afterAll(() => mock?.close());
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGTERM");
});

/** Starts `node dist/main.js`; resolves when it listens or exits. */
async function start(env: Record<string, string | undefined>) {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      PORT: "0",
      KEYHIVE_DATA_DIR: mkdtempSync(join(tmpdir(), "keyhive-node-security-")),
      KEYHIVE_ADMIN_PASSWORD: ADMIN,
      KEYHIVE_CLIENT_TOKENS: TOKEN,
      OPENAI_BASE_URL: mock.baseURL,
      KEYHIVE_TRUST_PROXY: undefined,
      KEYHIVE_PUBLIC_URL: undefined,
      KEYHIVE_ENCRYPTION_KEY: undefined,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d) => {
    stdout += String(d);
  });
  child.stderr?.on("data", (d) => {
    stderr += String(d);
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  for (const deadline = Date.now() + 15_000; Date.now() < deadline && child.exitCode === null; ) {
    const url = /listening on (http:\/\/\S+) /.exec(stdout)?.[1];
    if (url) return { child, url, exited, output: () => ({ stdout, stderr }) };
    await new Promise((r) => setTimeout(r, 25));
  }
  const code = await exited;
  return { child, url: undefined, exited, code, output: () => ({ stdout, stderr }) };
}

const stop = async (run: { child: ChildProcess; exited: Promise<number | null> }) => {
  run.child.kill("SIGTERM");
  expect(await run.exited).toBe(0);
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const login = (url: string, password: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/admin/api/login`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ password }),
  }).then((r) => r.status);

describe("the real process refuses a weak configuration", () => {
  it.each([
    [
      { KEYHIVE_ADMIN_PASSWORD: "a" },
      "keyhive: The configured admin password (KEYHIVE_ADMIN_PASSWORD) is 1 character long: it must be at least 12.",
    ],
    [
      { KEYHIVE_TRUST_PROXY: "true" },
      "keyhive: KEYHIVE_TRUST_PROXY=true is refused: it would believe any client's X-Forwarded-For;",
    ],
    [
      { KEYHIVE_TRUST_PROXY: "10.0.0.0/99" },
      "keyhive: KEYHIVE_TRUST_PROXY: '10.0.0.0/99' is neither an address nor a CIDR range;",
    ],
    [
      { KEYHIVE_PUBLIC_URL: "keys.example.com" },
      "keyhive: KEYHIVE_PUBLIC_URL must be an absolute URL such as https://keys.example.com",
    ],
    [
      { KEYHIVE_ENCRYPTON_KEY: "a-mistyped-name" },
      "keyhive: KEYHIVE_ENCRYPTON_KEY is not a Keyhive variable — did you mean KEYHIVE_ENCRYPTION_KEY?",
    ],
    [
      { KEYHIVE_CLIENT_TOKENS: "kh-a, kh-a", OPENAI_BASE_URL: "relay.example.com" },
      "keyhive: 2 configuration problems:\n  - KEYHIVE_CLIENT_TOKENS lists the same value twice (entries 1 and 2).\n" +
        "  - OPENAI_BASE_URL must be an absolute http(s) URL",
    ],
  ])("%j: prints the reason and exits 1 without listening", async (env, message) => {
    const run = await start(env);
    expect(run.url).toBeUndefined();
    expect(run.code).toBe(1);
    expect(run.output().stderr).toContain(message);
    expect(run.output().stderr).not.toMatch(/\n\s+at /); // a sentence, not a stack trace
  });
});

describe("KEYHIVE_ENCRYPTION_KEY", () => {
  it("leaves no plaintext key in the data directory, and a restart with it serves the keys", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "keyhive-node-encrypted-"));
    const env = { KEYHIVE_DATA_DIR: dataDir, KEYHIVE_ENCRYPTION_KEY: "node-test-encryption-key-0123456789abcdef" };
    const first = await start(env);
    const added = await fetch(`${first.url}/admin/api/keys`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
      body: JSON.stringify({ provider: "openai", keys: KEYS }),
    });
    expect(added.status).toBe(201);
    await stop(first);
    const stored = filesUnder(dataDir).map((file) => readFileSync(file, "utf8"));
    const all = stored.join("\n");
    for (const key of KEYS) expect(all).not.toContain(key);
    expect(all).toContain("enc:v1:");
    console.log(
      `${stored.length} files in the data directory, ${(all.match(/enc:v1:/g) ?? []).length} sealed values, no plaintext key`,
    );

    const second = await start(env);
    const chat = await fetch(`${second.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }),
    });
    expect(chat.status).toBe(200);
    await stop(second);
  });

  it("without it, keys are on disk in plaintext (what the variable changes)", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "keyhive-node-plain-"));
    const run = await start({ KEYHIVE_DATA_DIR: dataDir });
    await fetch(`${run.url}/admin/api/keys`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
      body: JSON.stringify({ provider: "openai", keys: KEYS[0] }),
    });
    await stop(run);
    expect(
      filesUnder(dataDir)
        .map((file) => readFileSync(file, "utf8"))
        .join("\n"),
    ).toContain(KEYS[0]);
  });
});

describe("KEYHIVE_TRUST_PROXY and KEYHIVE_PUBLIC_URL", () => {
  it("by default X-Forwarded-For is ignored: guesses with a new one each time are throttled after 5", async () => {
    const run = await start({});
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++)
      statuses.push(await login(run.url as string, `wrong-${i}`, { "x-forwarded-for": `198.51.100.${i}` }));
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    await stop(run);
  });

  it("KEYHIVE_TRUST_PROXY=1: the address the proxy appended counts; KEYHIVE_PUBLIC_URL pins the base URL", async () => {
    const run = await start({ KEYHIVE_TRUST_PROXY: "1", KEYHIVE_PUBLIC_URL: "https://keys.example.com/" });
    const url = run.url as string;
    for (let i = 0; i < 5; i++) expect(await login(url, "wrong", { "x-forwarded-for": "203.0.113.1" })).toBe(401);
    expect(await login(url, "wrong", { "x-forwarded-for": "203.0.113.1" })).toBe(429);
    expect(await login(url, ADMIN, { "x-forwarded-for": "spoofed, 203.0.113.2" })).toBe(200);
    const info = (await (
      await fetch(`${url}/public/api/info`, { headers: { "x-forwarded-host": "evil.example" } })
    ).json()) as {
      baseURL: string;
    };
    expect(info.baseURL).toBe("https://keys.example.com/v1");
    await stop(run);
  });
});
