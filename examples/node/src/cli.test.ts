/** The `keyhive` bin as a real process: strict flags, help, and a gateway configured by flags. */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type MockOpenAI, startMockOpenAI } from "@keyhive/provider-openai/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../../../node_modules/.bin/keyhive", import.meta.url));
const KEY = "sk-cli-upstream-key-000001";

/** Runs `keyhive args…` until it exits or prints its URL; resolves with what it printed. */
function keyhive(args: string[], env: Record<string, string> = {}) {
  const child = spawn(BIN, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => {
    stdout += String(d);
  });
  child.stderr.on("data", (d) => {
    stderr += String(d);
  });
  const settled = new Promise<{ code: number | null; url?: string }>((resolve) => {
    child.on("exit", (code) => resolve({ code }));
    const poll = setInterval(() => {
      const url = /listening on (http:\/\/\S+)/.exec(stdout)?.[1];
      if (url) resolve({ code: null, url });
    }, 25);
    child.on("exit", () => clearInterval(poll));
  });
  return { child, settled, output: () => ({ stdout, stderr }) };
}

describe("keyhive CLI", () => {
  let mock: MockOpenAI;
  beforeAll(async () => {
    mock = await startMockOpenAI({ keys: { [KEY]: "ok" } });
  });
  afterAll(() => mock?.close());

  it("--help prints every flag with its environment variable and exits 0", async () => {
    const run = keyhive(["--help"]);
    expect((await run.settled).code).toBe(0);
    const { stdout } = run.output();
    const flags = [
      "--port",
      "--host",
      "--data-dir",
      "--storage",
      "--admin-password",
      "--client-tokens",
      "--trust-proxy",
      "--public-url",
      "--drain-ms",
    ];
    for (const flag of flags) expect(stdout).toContain(flag);
    expect(stdout).toContain("[KEYHIVE_STORAGE]");
    expect(stdout).toContain("[KEYHIVE_DRAIN_MS]");
  });

  it.each([
    [["--bogus"], "Unknown option '--bogus'"],
    [["--port"], "--port"],
    [["--port", "http"], "PORT must be an integer"],
    [["--drain-ms", "soon"], "KEYHIVE_DRAIN_MS must be an integer"],
    [["serve"], "serve"],
    [["--storage", "mysql://x", "--port", "0"], "Unknown storage 'mysql://x'"],
    [["--port", "http", "--drain-ms", "soon"], "keyhive: 2 configuration problems:\n  - KEYHIVE_DRAIN_MS must be"],
  ])("rejects %j with a clear message and exit status 2", async (args, message) => {
    const run = keyhive(args);
    const { code } = await run.settled;
    const { stderr } = run.output();
    expect(stderr).toContain(message);
    expect(code).toBe(2);
    expect(stderr).toContain("Usage: keyhive");
  });

  it("starts a gateway from flags alone (memory storage, given secrets), proxies a chat, drains on SIGTERM", async () => {
    const run = keyhive(
      "--port 0 --host 127.0.0.1 --storage memory: --admin-password cli-admin-pw-1234 --drain-ms 700".split(" "),
      { KEYHIVE_CLIENT_TOKENS: "kh-from-env", OPENAI_BASE_URL: mock.baseURL },
    );
    try {
      const { url } = await run.settled;
      expect(url, run.output().stderr).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(run.output().stdout).toContain("storage memory:");
      expect(run.output().stdout).not.toContain("admin password:"); // given, so nothing generated
      const added = await fetch(`${url}/admin/api/keys`, {
        method: "POST",
        headers: { authorization: "Bearer cli-admin-pw-1234", "content-type": "application/json" },
        body: JSON.stringify({ provider: "openai", keys: KEY }),
      });
      expect(added.status).toBe(201);
      const chat = await fetch(`${url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: "Bearer kh-from-env", "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }),
      });
      expect(chat.status).toBe(200);
      expect(mock.requestsByKey.get(KEY)).toBeGreaterThanOrEqual(1);
      const exited = new Promise((resolve) => run.child.once("exit", resolve));
      run.child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(run.output().stdout).toMatch(/draining for up to 700 ms[\s\S]*Drained in \d+ ms/);
    } finally {
      run.child.kill("SIGTERM");
    }
  });

  it("a flag wins over its environment variable", async () => {
    const run = keyhive(["--port", "0", "--storage", "memory:", "--client-tokens", "kh-flag"], {
      KEYHIVE_CLIENT_TOKENS: "kh-env",
      KEYHIVE_ADMIN_PASSWORD: "env-admin-pw-1234",
    });
    try {
      const { url } = await run.settled;
      const models = (token: string) => fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${token}` } });
      expect((await models("kh-env")).status).toBe(401);
      expect((await models("kh-flag")).status).not.toBe(401);
    } finally {
      run.child.kill("SIGTERM");
    }
  });
});
