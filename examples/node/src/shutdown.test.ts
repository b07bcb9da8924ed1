/**
 * Graceful shutdown of the real `node dist/main.js` process, killed by PID mid-stream: the stream
 * finishes, new connections are refused, queued state reaches the disk, the drain limit holds and
 * a second signal exits at once.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type MockOpenAI, startMockOpenAI } from "@keyhive/provider-openai/testing";
import { afterEach, describe, expect, it } from "vitest";

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const KEY = "sk-shutdown-upstream-00001";
const ADMIN = "shutdown-admin-password";
const TOKEN = "kh-shutdown-client";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Gateway {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** Resolves with the exit code and when the exit was seen. */
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
  const child = spawn(process.execPath, [MAIN], {
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
  for (const deadline = Date.now() + 15_000; Date.now() < deadline && child.exitCode === null; await sleep(25)) {
    const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
    if (url) return { child, url, output: () => out, exited };
  }
  throw new Error(`the gateway did not start:\n${out}`);
}

const admin = (gateway: Gateway, path: string, init: RequestInit = {}) =>
  fetch(`${gateway.url}/admin/api${path}`, {
    ...init,
    headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
  });

async function addKey(gateway: Gateway): Promise<void> {
  const added = await admin(gateway, "/keys", {
    method: "POST",
    body: JSON.stringify({ provider: "openai", keys: KEY }),
  });
  expect(added.status).toBe(201);
}

/** A streamed chat on a raw socket of its own, so a second request can be pipelined on it. */
function rawStream(url: string): { socket: Socket; received: () => string; closed: Promise<void> } {
  const { hostname, port } = new URL(url);
  const body = JSON.stringify({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "Hi" }] });
  const socket = connect(Number(port), hostname);
  socket.write(
    `POST /v1/chat/completions HTTP/1.1\r\nhost: ${hostname}\r\nauthorization: Bearer ${TOKEN}\r\n` +
      `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  let received = "";
  socket.on("data", (d) => {
    received += String(d);
  });
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  socket.on("error", () => {});
  return { socket, received: () => received, closed };
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

describe("SIGTERM on the real Node process", () => {
  it("lets the stream finish, refuses new connections, exits 0 and has flushed usage to disk", async () => {
    const mock = await mockUpstream(300); // 5 words, 300 ms apart: ~1.5 s
    const dataDir = mkdtempSync(join(tmpdir(), "keyhive-shutdown-"));
    const gateway = await startGateway({ KEYHIVE_DATA_DIR: dataDir, OPENAI_BASE_URL: mock.baseURL });
    await addKey(gateway);

    const stream = rawStream(gateway.url);
    // And one through fetch's keep-alive pool: its socket turns idle when the stream ends.
    const pooled = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "Hi" }] }),
    });
    const reader = (pooled.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let pooledText = decoder.decode((await reader.read()).value, { stream: true });
    await until("the first chunk", () => stream.received().includes("data: "));
    const signalledAt = Date.now();
    process.kill(gateway.child.pid as number, "SIGTERM");
    await until("the drain to start", () => gateway.output().includes("Shutting down"));

    expect(await connectOutcome(gateway.url)).toBe("ECONNREFUSED");
    expect(gateway.child.exitCode).toBeNull(); // refused while still draining
    expect(stream.received()).not.toContain("[DONE]");
    // A request that arrives on an open socket during the drain is answered, with connection: close.
    stream.socket.write(`GET /admin/api/keys HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${ADMIN}\r\n\r\n`);

    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      pooledText += decoder.decode(chunk.value, { stream: true });
    expect(pooledText).toContain("data: [DONE]");
    await stream.closed; // the server closes the socket after the second answer
    const [first = "", second = ""] = stream.received().split(/(?=HTTP\/1\.1 \d{3} )/);
    expect(first).toMatch(/^HTTP\/1\.1 200 /);
    expect(first).toMatch(/^connection: keep-alive\r$/im); // sent before the drain began
    expect(first).toContain("data: [DONE]");
    expect(second).toMatch(/^HTTP\/1\.1 200 /);
    expect(second).toMatch(/^connection: close\r$/im);

    const { code, at } = await gateway.exited;
    expect(code).toBe(0);
    const tookMs = at - signalledAt;
    expect(tookMs).toBeGreaterThan(900); // it waited for the remaining ~1.2 s of stream
    // Neither for the 10 s drain limit nor for the 5 s keep-alive timeout of the pooled socket.
    expect(tookMs).toBeLessThan(3_500);
    expect(gateway.output()).toMatch(/Shutting down: \d+ connection\(s\) open, draining for up to 10000 ms/);
    expect(gateway.output()).toMatch(/Drained in \d+ ms, no connection cut/);
    console.log(`SIGTERM → exit 0 in ${tookMs} ms; ${/Drained in \d+ ms/.exec(gateway.output())?.[0]}`);

    // Usage is written every 30 s, so this run's only reached the disk through gateway.flush().
    const again = await startGateway({ KEYHIVE_DATA_DIR: dataDir, OPENAI_BASE_URL: mock.baseURL });
    const stats = (await (await admin(again, "/stats")).json()) as { requests: { today: number } };
    expect(stats.requests.today).toBe(2);
    process.kill(again.child.pid as number, "SIGTERM");
    expect((await again.exited).code).toBe(0);
  });

  it("cuts a stream still running when KEYHIVE_DRAIN_MS is over, and exits 0", async () => {
    const mock = await mockUpstream(1_000); // ~5 s of stream
    const gateway = await startGateway({
      KEYHIVE_DATA_DIR: mkdtempSync(join(tmpdir(), "keyhive-shutdown-")),
      KEYHIVE_DRAIN_MS: "500",
      OPENAI_BASE_URL: mock.baseURL,
    });
    await addKey(gateway);
    const stream = rawStream(gateway.url);
    await until("the first chunk", () => stream.received().includes("data: "));
    const signalledAt = Date.now();
    process.kill(gateway.child.pid as number, "SIGTERM");

    await stream.closed;
    const { code, at } = await gateway.exited;
    expect(code).toBe(0);
    const tookMs = at - signalledAt;
    expect(tookMs).toBeGreaterThanOrEqual(450);
    expect(tookMs).toBeLessThan(1_500);
    expect(stream.received()).not.toContain("[DONE]");
    expect(gateway.output()).toMatch(/Drain time over after \d+ ms: cut 1 connection\(s\)/);
    console.log(
      `KEYHIVE_DRAIN_MS=500: SIGTERM → exit 0 in ${tookMs} ms, the stream cut; ${/Drain time over.*/.exec(gateway.output())?.[0]}`,
    );
  });

  it("a second signal during the drain exits at once with status 1", async () => {
    const mock = await mockUpstream(1_000);
    const gateway = await startGateway({
      KEYHIVE_DATA_DIR: mkdtempSync(join(tmpdir(), "keyhive-shutdown-")),
      OPENAI_BASE_URL: mock.baseURL,
    });
    await addKey(gateway);
    const stream = rawStream(gateway.url);
    await until("the first chunk", () => stream.received().includes("data: "));
    process.kill(gateway.child.pid as number, "SIGTERM");
    await until("the drain to start", () => gateway.output().includes("Shutting down"));
    const secondAt = Date.now();
    process.kill(gateway.child.pid as number, "SIGINT");

    const { code, at } = await gateway.exited;
    expect(code).toBe(1);
    expect(at - secondAt).toBeLessThan(1_500); // the stream alone would run for seconds more
    expect(gateway.output()).toContain("SIGINT again: exiting without waiting (status 1)");
    await stream.closed;
    expect(stream.received()).not.toContain("[DONE]");
  });
});
