/**
 * Graceful shutdown of the real `bun run src/main.ts` process, killed by PID mid-stream: the
 * stream finishes, new connections are refused, usage reaches the disk, the drain limit holds and
 * a second signal exits at once.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type MockOpenAI, startMockOpenAI } from "@keyhive/provider-openai/testing";
import { afterEach, describe, expect, it } from "vitest";

const BUN = fileURLToPath(new URL("../../../node_modules/.bin/bun", import.meta.url));
const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));
const KEY = "sk-bun-shutdown-upstream-1";
const ADMIN = "bun-shutdown-admin-password";
const TOKEN = "kh-bun-shutdown-client";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Gateway {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<{ code: number | null; at: number }>;
}

const children: ChildProcess[] = [];
const mocks: MockOpenAI[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill();
  for (const mock of mocks.splice(0)) await mock.close();
});

async function mockUpstream(slowMs: number): Promise<MockOpenAI> {
  const mock = await startMockOpenAI({ keys: { [KEY]: "slow" }, slowMs });
  mocks.push(mock);
  return mock;
}

async function startGateway(env: Record<string, string | undefined>): Promise<Gateway> {
  const child = spawn(BUN, ["run", MAIN], {
    env: {
      ...process.env,
      PORT: "0",
      KEYHIVE_ADMIN_PASSWORD: ADMIN,
      KEYHIVE_CLIENT_TOKENS: TOKEN,
      KEYHIVE_DRAIN_MS: undefined, // the default unless a test sets it
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
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.once("exit", (code) => resolve({ code, at: Date.now() })),
  );
  for (const deadline = Date.now() + 20_000; Date.now() < deadline && child.exitCode === null; await sleep(25)) {
    const url = /listening on (http:\/\/\S+);/.exec(out)?.[1];
    if (url) return { child, url, output: () => out, exited };
  }
  throw new Error(`the gateway did not start:\n${out}`);
}

const admin = (gateway: Gateway, path: string, init: RequestInit = {}) =>
  fetch(`${gateway.url}/admin/api${path}`, {
    ...init,
    headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
  });

/** Adds the key, starts a streamed chat and reads its first chunk; `rest()` reads the others. */
async function streamedChat(gateway: Gateway) {
  const added = await admin(gateway, "/keys", {
    method: "POST",
    body: JSON.stringify({ provider: "openai", keys: KEY }),
  });
  expect(added.status).toBe(201);
  const res = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "Hi" }] }),
  });
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = decoder.decode((await reader.read()).value, { stream: true });
  expect(text).toContain("data: ");
  return {
    /** Everything after the first chunk, and whether the stream ended cleanly. */
    rest: async () => {
      try {
        for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
          text += decoder.decode(chunk.value, { stream: true });
        return { text, clean: true };
      } catch {
        return { text, clean: false };
      }
    },
  };
}

/** What a brand-new TCP connection to the gateway gets: `connected` or the error code. */
function connectOutcome(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

async function until(what: string, predicate: () => boolean, ms = 5_000): Promise<void> {
  for (const deadline = Date.now() + ms; !predicate(); await sleep(10))
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
}

describe("SIGTERM on the real Bun process", () => {
  it("lets the stream finish, refuses new connections, exits 0 and has flushed usage to disk", async () => {
    const mock = await mockUpstream(300); // 5 words, 300 ms apart: ~1.5 s
    const dataDir = mkdtempSync(join(tmpdir(), "keyhive-bun-shutdown-"));
    const gateway = await startGateway({ KEYHIVE_DATA_DIR: dataDir, OPENAI_BASE_URL: mock.baseURL });
    const stream = await streamedChat(gateway);
    const signalledAt = Date.now();
    process.kill(gateway.child.pid as number, "SIGTERM");
    await until("the drain to start", () => gateway.output().includes("Shutting down"));

    expect(await connectOutcome(gateway.url)).toBe("ECONNREFUSED");
    expect(gateway.child.exitCode).toBeNull(); // refused while still draining
    const { text, clean } = await stream.rest();
    expect(clean).toBe(true);
    expect(text).toContain("data: [DONE]");

    const { code, at } = await gateway.exited;
    expect(code).toBe(0);
    const tookMs = at - signalledAt;
    expect(tookMs).toBeGreaterThan(900); // it waited for the remaining ~1.2 s of stream
    expect(tookMs).toBeLessThan(3_500); // not for the 10 s limit, nor for the idle keep-alive socket
    expect(gateway.output()).toMatch(/Shutting down: 1 request\(s\) in flight, draining for up to 10000 ms/);
    expect(gateway.output()).toMatch(/Drained in \d+ ms, no request cut/);
    console.log(`Bun: SIGTERM → exit 0 in ${tookMs} ms; ${/Drained in \d+ ms/.exec(gateway.output())?.[0]}`);

    // Usage is written every 30 s, so this run's only reached the disk through gateway.flush().
    const again = await startGateway({ KEYHIVE_DATA_DIR: dataDir, OPENAI_BASE_URL: mock.baseURL });
    const stats = (await (await admin(again, "/stats")).json()) as { requests: { today: number } };
    expect(stats.requests.today).toBe(1);
    process.kill(again.child.pid as number, "SIGTERM");
    expect((await again.exited).code).toBe(0);
  });

  it("cuts a stream still running when KEYHIVE_DRAIN_MS is over, and exits 0", async () => {
    const mock = await mockUpstream(1_000); // ~5 s of stream
    const gateway = await startGateway({
      KEYHIVE_DATA_DIR: mkdtempSync(join(tmpdir(), "keyhive-bun-shutdown-")),
      KEYHIVE_DRAIN_MS: "500",
      OPENAI_BASE_URL: mock.baseURL,
    });
    const stream = await streamedChat(gateway);
    const signalledAt = Date.now();
    process.kill(gateway.child.pid as number, "SIGTERM");

    const { text, clean } = await stream.rest();
    const { code, at } = await gateway.exited;
    expect(code).toBe(0);
    const tookMs = at - signalledAt;
    expect(tookMs).toBeGreaterThanOrEqual(450);
    expect(tookMs).toBeLessThan(1_500);
    expect(clean).toBe(false);
    expect(text).not.toContain("[DONE]");
    expect(gateway.output()).toMatch(/Drain time over after \d+ ms: cut 1 request\(s\)/);
    console.log(
      `Bun, KEYHIVE_DRAIN_MS=500: SIGTERM → exit 0 in ${tookMs} ms, the stream cut; ${/Drain time over.*/.exec(gateway.output())?.[0]}`,
    );
  });

  it("a second signal during the drain exits at once with status 1", async () => {
    const mock = await mockUpstream(1_000);
    const gateway = await startGateway({
      KEYHIVE_DATA_DIR: mkdtempSync(join(tmpdir(), "keyhive-bun-shutdown-")),
      OPENAI_BASE_URL: mock.baseURL,
    });
    const stream = await streamedChat(gateway);
    process.kill(gateway.child.pid as number, "SIGTERM");
    await until("the drain to start", () => gateway.output().includes("Shutting down"));
    const secondAt = Date.now();
    process.kill(gateway.child.pid as number, "SIGINT");

    const { code, at } = await gateway.exited;
    expect(code).toBe(1);
    expect(at - secondAt).toBeLessThan(1_500); // the stream alone would run for seconds more
    expect(gateway.output()).toContain("SIGINT again: exiting without waiting (status 1)");
    expect((await stream.rest()).text).not.toContain("[DONE]");
  });
});
