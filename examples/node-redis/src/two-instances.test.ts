/**
 * Two real gateway processes on one real redis-server: what one instance learns (a new key, a
 * dead key, a settings change) the other applies within its refresh interval.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { type RedisServer, startRedis } from "@keyhive/gateway/testing";
import { type MockOpenAI, startMockOpenAI } from "@keyhive/provider-openai/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ADMIN = "redis-admin-password-1";
const TOKEN = "kh-redis-client";
const REFRESH_MS = 300;
const KEYS = { first: "sk-redis-upstream-0000001", second: "sk-redis-upstream-0000002" };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Instance {
  url: string;
  child: ChildProcess;
}

async function startInstance(redisURL: string, upstream: string): Promise<Instance> {
  const child = spawn(process.execPath, ["dist/main.js"], {
    env: {
      ...process.env,
      PORT: "0",
      REDIS_URL: redisURL,
      KEYHIVE_ADMIN_PASSWORD: ADMIN,
      KEYHIVE_CLIENT_TOKENS: TOKEN,
      KEYHIVE_REFRESH_INTERVAL_MS: String(REFRESH_MS),
      OPENAI_BASE_URL: upstream,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d) => {
    out += String(d);
  });
  child.stderr?.on("data", (d) => {
    out += String(d);
  });
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; ) {
    const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
    if (url) return { url, child };
    if (child.exitCode !== null) break;
    await sleep(25);
  }
  child.kill();
  throw new Error(`gateway did not start:\n${out}`);
}

const admin = (instance: Instance, path: string, init: RequestInit = {}) =>
  fetch(`${instance.url}/admin/api${path}`, {
    ...init,
    headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
  });
const chat = (instance: Instance) =>
  fetch(`${instance.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }),
  });
/** Any proxied request starts a background refresh once the interval passed; this one uses no key. */
const nudge = async (instance: Instance) => {
  await fetch(`${instance.url}/v1/models`, { headers: { authorization: "Bearer kh-not-a-token" } });
  await sleep(100);
};

describe("two Node gateways on one Redis", () => {
  let redis: RedisServer;
  let mock: MockOpenAI;
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    redis = await startRedis(); // fails with "redis-server not found … apt-get install -y redis-server"
    mock = await startMockOpenAI({ keys: { [KEYS.first]: "ok", [KEYS.second]: "ok" } });
    [a, b] = await Promise.all([startInstance(redis.url, mock.baseURL), startInstance(redis.url, mock.baseURL)]);
  });
  afterAll(async () => {
    for (const instance of [a, b]) instance?.child.kill("SIGTERM");
    await mock?.close();
    await redis?.stop();
  });

  it("a key added through A is served by B", async () => {
    expect((await chat(b)).status).toBe(503); // no keys anywhere yet
    const added = await admin(a, "/keys", {
      method: "POST",
      body: JSON.stringify({ provider: "openai", keys: [KEYS.first, KEYS.second] }),
    });
    expect(added.status).toBe(201);
    await sleep(REFRESH_MS);
    await nudge(b);
    mock.reset();
    const res = await chat(b);
    expect(res.status).toBe(200);
    expect((mock.requestsByKey.get(KEYS.first) ?? 0) + (mock.requestsByKey.get(KEYS.second) ?? 0)).toBe(1);
  });

  it("a key that fails on A is skipped by B within the refresh interval", async () => {
    await chat(a); // A has both keys loaded too
    mock.setBehaviour(KEYS.second, "invalid");
    mock.reset();
    // A tries keys at random: within a few requests it meets the dead one and retires it.
    for (let i = 0; i < 30 && !mock.requestsByKey.get(KEYS.second); i++) expect((await chat(a)).status).toBe(200);
    expect(mock.requestsByKey.get(KEYS.second)).toBe(1);

    await sleep(REFRESH_MS + 250); // B's interval, plus A's write-behind
    await nudge(b);
    mock.reset();
    for (let i = 0; i < 20; i++) expect((await chat(b)).status).toBe(200);
    expect(mock.requestsByKey.get(KEYS.second) ?? 0).toBe(0); // B never sent it again
    expect(mock.requestsByKey.get(KEYS.first)).toBe(20);
  });

  it("settings changed on A apply on B (PATCH /admin/api/settings)", async () => {
    expect((await fetch(`${b.url}/public/api/keys`)).status).toBe(403); // accessMode private by default
    const patched = await admin(a, "/settings", {
      method: "PATCH",
      body: JSON.stringify({ accessMode: "open", retries: 1 }),
    });
    expect(patched.status).toBe(200);
    await sleep(REFRESH_MS);
    await nudge(b);
    const settings = (await (await admin(b, "/settings")).json()) as { accessMode: string; retries: number };
    expect(settings).toMatchObject({ accessMode: "open", retries: 1 });
    expect((await fetch(`${b.url}/public/api/keys`)).status).toBe(200);
  });
});
