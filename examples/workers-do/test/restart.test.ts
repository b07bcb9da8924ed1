/**
 * What outlives a restart of workerd: the coordinator's counters are in the object's SQLite
 * storage, so a token with `dailyRequests: 10` that used 6 before a restart on the same persist
 * directories gets exactly 4 after it. And a figure for the README: the latency of a proxied
 * request through isolate b, with a token whose limits make it one round trip to the coordinator
 * and with a token without limits (no round trip).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type MockOpenAI, startMockOpenAI } from "@keyhive/provider-openai/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleWorker } from "../../workers-kv/test/worker.case.js";
import { chat, type Isolates, NAMES, startIsolates } from "./isolates.js";
import { sleep } from "./truth.js";

const DIR = fileURLToPath(new URL("..", import.meta.url));
const OK = "sk-do-restart-ok-key-000001";

let mock: MockOpenAI;
let persist: string;
let isolates: Isolates;
/** Bundled once, kept across restarts. */
let bundlePath: string;
const start = () => startIsolates(DIR, mock.baseURL, { persist, bundlePath });

beforeAll(async () => {
  mock = await startMockOpenAI({ keys: { [OK]: "ok" } });
  persist = mkdtempSync(join(tmpdir(), "keyhive-do-restart-"));
  bundlePath = (await bundleWorker(DIR)).path;
  isolates = await start();
  expect((await isolates.admin("a", "/keys", { provider: "openai", keys: [OK], check: false })).status).toBe(201);
});
afterAll(async () => {
  await isolates?.close().catch(() => undefined);
  if (bundlePath) rmSync(dirname(bundlePath), { recursive: true, force: true });
  if (persist) rmSync(persist, { recursive: true, force: true });
  await mock?.close();
});

const tokenWith = async (limits: Record<string, number>) => {
  const res = await isolates.admin("a", "/tokens", { name: `t${Math.random()}`, ...limits });
  const body = (await res.json()) as { token: string };
  expect(res.status).toBe(201);
  // The other isolates learn of a new token at their next sync (the refresh interval, 500 ms here).
  await sleep(1200);
  return body.token;
};

const statuses = async (token: string, n: number) => {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await chat(isolates, NAMES[i % 3] ?? "a", token)).status);
  return out;
};

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
};

/** p50/p95 (ms) of `n` sequential proxied requests through b. */
async function latencies(token: string, n: number) {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const begin = performance.now();
    const res = await chat(isolates, "b", token);
    await res.text();
    times.push(performance.now() - begin);
    expect(res.status).toBe(200);
  }
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

describe("workers-do: a restart of workerd on the same persist directories", () => {
  it("keeps a token's dailyRequests count: 6 before the restart, exactly 4 more after", async () => {
    const token = await tokenWith({ dailyRequests: 10 });
    expect(await statuses(token, 6)).toEqual([200, 200, 200, 200, 200, 200]);
    await isolates.close();
    isolates = await start();
    const after = await statuses(token, 9);
    console.log(`[restart] dailyRequests 10: 6 before the restart, after it: ${after.join(" ")}`);
    expect(after.filter((s) => s === 200)).toHaveLength(4);
    expect(after.filter((s) => s === 429)).toHaveLength(5);
  });

  it("prints p50/p95 of 200 sequential proxied requests through b, with and without the coordinator", async () => {
    const limited = await latencies(await tokenWith({ rpm: 1_000_000 }), 200);
    const plain = await latencies(await tokenWith({}), 200);
    const f = (l: { p50: number; p95: number }) => `p50 ${l.p50.toFixed(1)} ms, p95 ${l.p95.toFixed(1)} ms`;
    console.log(
      `[round trip] 200 sequential requests through b: token with rpm (one coordinator round trip) ${f(limited)}; ` +
        `token without limits ${f(plain)}`,
    );
  });
});
