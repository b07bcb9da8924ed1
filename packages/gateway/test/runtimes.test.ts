/**
 * The gateway core runs unchanged inside workerd (Cloudflare Workers' runtime, via miniflare)
 * and on Bun: each proxies a real request to the fake upstream (fake provider, memory storage:
 * gateway code only; the published adapters on each runtime are integration-tests' job).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleFixture } from "./bundle.js";
import { type FakeUpstream, startFakeUpstream } from "./support/fake-upstream.js";

const TOKEN = "kh-runtime-token";
const ADMIN = "runtime-admin-password";

let mock: FakeUpstream;
beforeAll(async () => {
  mock = await startFakeUpstream({ keys: { "sk-runtime-key-1": "ok" } });
});
afterAll(() => mock.close());

async function exercise(base: string, call: (path: string, init?: RequestInit) => Promise<Response>) {
  const added = await call(`${base}/admin/api/keys`, {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
    body: JSON.stringify({ provider: "fake", keys: ["sk-runtime-key-1"] }),
  });
  expect(added.status).toBe(201);
  const chat = await call(`${base}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "fake-chat-small", messages: [{ role: "user", content: "hi" }] }),
  });
  expect(chat.status).toBe(200);
  expect(
    ((await chat.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message.content,
  ).toContain("Hello");
  const stream = await call(`${base}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "fake-chat-small", stream: true, messages: [{ role: "user", content: "hi" }] }),
  });
  const text = await stream.text();
  expect(text.match(/^data: /gm)?.length).toBeGreaterThan(3);
  expect(text).toContain("data: [DONE]");
}

describe("workerd (miniflare)", () => {
  let mf: Miniflare;
  beforeAll(async () => {
    const script = await bundleFixture("worker-entry.ts", "neutral");
    mf = new Miniflare({
      modules: true,
      script,
      compatibilityDate: "2025-09-01",
      bindings: { UPSTREAM_BASE_URL: mock.baseURL, CLIENT_TOKEN: TOKEN, ADMIN_PASSWORD: ADMIN },
    });
    await mf.ready;
  }, 60_000);
  afterAll(() => mf?.dispose());

  it("proxies chat completions (JSON and SSE) from inside workerd", async () => {
    mock.reset();
    await exercise(
      "http://gateway.local",
      async (url, init) => (await mf.dispatchFetch(url, init as never)) as unknown as Response,
    );
    expect(mock.requestsByKey.get("sk-runtime-key-1")).toBe(2);
  });
});

describe("bun", () => {
  let child: ReturnType<typeof spawn> | undefined;
  let base = "";
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "keyhive-bun-"));
    const file = join(dir, "server.mjs");
    writeFileSync(file, await bundleFixture("bun-entry.ts", "node"));
    const bunBin = join(process.cwd(), "../../node_modules/.bin/bun");
    child = spawn(bunBin, [file], {
      env: { ...process.env, UPSTREAM_BASE_URL: mock.baseURL, CLIENT_TOKEN: TOKEN, ADMIN_PASSWORD: ADMIN },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let errors = "";
    child.stderr?.on("data", (d) => {
      errors += String(d);
    });
    base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`bun did not start: ${errors}`)), 20_000);
      child?.stdout?.on("data", (d: Buffer) => {
        const match = /LISTENING (\d+)/.exec(String(d));
        if (match) {
          clearTimeout(timer);
          resolve(`http://127.0.0.1:${match[1]}`);
        }
      });
      child?.on("exit", (code) => reject(new Error(`bun exited with ${code}: ${errors}`)));
    });
  }, 30_000);
  afterAll(() => {
    child?.kill();
  });

  it("proxies chat completions (JSON and SSE) on Bun", async () => {
    mock.reset();
    await exercise(base, (url, init) => fetch(url, init));
    expect(mock.requestsByKey.get("sk-runtime-key-1")).toBe(2);
  });
});
