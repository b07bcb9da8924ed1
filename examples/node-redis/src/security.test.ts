/**
 * Security configuration of real `node dist/main.js` processes on a real redis-server: a weak
 * admin password stops the start, KEYHIVE_ENCRYPTION_KEY leaves no plaintext key in Redis, and a
 * logout on one instance ends the session on the other within the refresh interval.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { type RedisServer, startRedis } from "@keyhive/gateway/testing";
import { type MockOpenAI, startMockOpenAI } from "@keyhive/provider-openai/testing";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

const ADMIN = "redis-security-admin-pw";
const KEY = "sk-redis-secret-upstream-01";
const REFRESH_MS = 300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let redis: RedisServer;
let mock: MockOpenAI;
beforeAll(async () => {
  redis = await startRedis();
  mock = await startMockOpenAI({ keys: { [KEY]: "ok" } });
});
afterAll(async () => {
  await mock?.close();
  await redis?.stop();
});
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGTERM");
});

async function start(env: Record<string, string | undefined>) {
  const child = spawn(process.execPath, ["dist/main.js"], {
    env: {
      ...process.env,
      PORT: "0",
      KEYHIVE_ADMIN_PASSWORD: ADMIN,
      KEYHIVE_REFRESH_INTERVAL_MS: String(REFRESH_MS),
      OPENAI_BASE_URL: mock.baseURL,
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
  for (const deadline = Date.now() + 15_000; Date.now() < deadline && child.exitCode === null; await sleep(25)) {
    const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
    if (url) return { url, exited, output: () => out };
  }
  return { url: undefined, code: await exited, exited, output: () => out };
}

describe("Node + Redis security configuration", () => {
  it("refuses a weak KEYHIVE_ADMIN_PASSWORD with the reason and exit status 1", async () => {
    const run = await start({ REDIS_URL: `${redis.url}/2`, KEYHIVE_ADMIN_PASSWORD: "a" });
    expect(run.url).toBeUndefined();
    expect(run.code).toBe(1);
    expect(run.output()).toContain(
      "keyhive: The configured admin password (KEYHIVE_ADMIN_PASSWORD) is 1 character long: it must be at least 12.",
    );
  });

  it("requires KEYHIVE_ADMIN_PASSWORD and lists every problem in one message (exit 1)", async () => {
    const run = await start({ REDIS_URL: "http://127.0.0.1:6379", KEYHIVE_ADMIN_PASSWORD: undefined });
    expect(run.url).toBeUndefined();
    expect(run.code).toBe(1);
    expect(run.output()).toContain("keyhive: 2 configuration problems:");
    expect(run.output()).toContain("- Unknown storage 'http://127.0.0.1:6379' in REDIS_URL: use redis://host:port/db.");
    expect(run.output()).toContain(
      "- KEYHIVE_ADMIN_PASSWORD is required: every instance on the same Redis must share it.",
    );
  });

  it("KEYHIVE_ENCRYPTION_KEY: Redis holds no plaintext key", async () => {
    const run = await start({
      REDIS_URL: `${redis.url}/3`,
      KEYHIVE_ENCRYPTION_KEY: "redis-test-encryption-key-0123456789",
    });
    const added = await fetch(`${run.url}/admin/api/keys`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
      body: JSON.stringify({ provider: "openai", keys: KEY }),
    });
    expect(added.status).toBe(201);
    const client = new Redis(`${redis.url}/3`);
    try {
      const names = await client.keys("*");
      const values = await Promise.all(
        names.map((name) => client.type(name).then((t) => (t === "string" ? client.get(name) : ""))),
      );
      const all = values.join("\n");
      expect(all).toContain("enc:v1:");
      expect(all).not.toContain(KEY);
    } finally {
      client.disconnect();
    }
  });

  it("a logout on instance A ends the session on instance B within the refresh interval", async () => {
    const a = await start({ REDIS_URL: `${redis.url}/4` });
    const b = await start({ REDIS_URL: `${redis.url}/4` });
    const login = await fetch(`${a.url}/admin/api/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ password: ADMIN }),
    });
    const cookie = login.headers.getSetCookie()[0]?.split(";")[0] ?? "";
    const onB = () => fetch(`${b.url}/admin/api/session`, { headers: { cookie } }).then((r) => r.status);
    expect(await onB()).toBe(200);
    const outAt = Date.now();
    expect((await fetch(`${a.url}/admin/api/logout`, { method: "POST", headers: { cookie } })).status).toBe(204);
    let status = 200;
    while (status === 200 && Date.now() - outAt < 5_000) {
      status = await onB();
      if (status === 200) await sleep(20);
    }
    const tookMs = Date.now() - outAt;
    console.log(`Redis: logout on A honoured by B after ${tookMs} ms (KEYHIVE_REFRESH_INTERVAL_MS=${REFRESH_MS})`);
    expect(status).toBe(401);
    expect(tookMs).toBeLessThanOrEqual(REFRESH_MS + 200);
  });
});
