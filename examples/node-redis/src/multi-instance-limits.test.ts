/**
 * Per-token limits with requests spread over two real instances on one redis-server: a token
 * with rpm 10 gets exactly 10 successes in a minute, and one with a daily quota of 10 requests
 * exactly 10 successes, whichever instance each request reaches.
 */
import { type RedisServer, startRedis } from "@keyhive/gateway/testing";
import { type MockOpenAI, startMockOpenAI } from "@keyhive/provider-openai/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addKeys, type Instance, secrets, sleep, startCluster } from "./test-cluster.js";

const REFRESH_MS = 500;
const LIMIT = 10;
const REQUESTS = 30;

let redis: RedisServer;
let mock: MockOpenAI;
let a: Instance;
let b: Instance;

beforeAll(async () => {
  redis = await startRedis(); // fails with "redis-server not found … apt-get install -y redis-server"
  mock = await startMockOpenAI({ acceptAnyKey: true });
  [a, b] = (await startCluster(2, { redisURL: redis.url, upstream: mock.baseURL, refreshMs: REFRESH_MS })) as [
    Instance,
    Instance,
  ];
  await addKeys(a, secrets("limits", 2));
}, 60_000);
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await mock?.close();
  await redis?.stop();
});

/** Creates a client token on A and waits until both instances have loaded it. */
async function tokenWith(limits: Record<string, number>): Promise<string> {
  const res = await a.admin("/tokens", { method: "POST", body: JSON.stringify({ name: "spread", ...limits }) });
  expect(res.status).toBe(201);
  const { token, record } = (await res.json()) as { token: string; record: { id: string } };
  // Without spending a request: B's admin API reads tokens from storage; its proxy after a sync.
  expect((await b.admin(`/tokens/${record.id}`)).status).toBe(200);
  await sleep(REFRESH_MS * 3);
  return token;
}

/** `REQUESTS` requests alternating A and B, six at a time; the statuses and 429 codes seen. */
async function spread(token: string) {
  const statuses: number[] = [];
  const codes = new Set<string>();
  for (let i = 0; i < REQUESTS; i += 6) {
    const batch = Array.from({ length: Math.min(6, REQUESTS - i) }, (_, j) => ((i + j) % 2 === 0 ? a : b));
    const answers = await Promise.all(batch.map((instance) => instance.chat(token)));
    for (const res of answers) {
      statuses.push(res.status);
      const body = (await res.json()) as { error?: { code?: string } };
      if (res.status !== 200) codes.add(body.error?.code ?? String(res.status));
    }
  }
  return { ok: statuses.filter((s) => s === 200).length, limited: statuses.filter((s) => s === 429).length, codes };
}

describe("token limits across 2 instances on Redis", () => {
  it(`rpm ${LIMIT}: exactly ${LIMIT} successes in one minute`, async () => {
    // All requests inside one minute window (the window is the calendar minute).
    const second = new Date().getUTCSeconds();
    if (second > 40) await sleep((61 - second) * 1000);
    const token = await tokenWith({ rpm: LIMIT });
    const { ok, limited, codes } = await spread(token);
    console.log(`[rpm] ${REQUESTS} requests over 2 instances, rpm ${LIMIT}: ${ok} succeeded, ${limited} got 429`);
    expect(ok).toBe(LIMIT);
    expect(limited).toBe(REQUESTS - LIMIT);
    expect([...codes]).toEqual(["token_rpm_exceeded"]);
  }, 90_000);

  it(`daily quota of ${LIMIT} requests: exactly ${LIMIT} successes`, async () => {
    const token = await tokenWith({ dailyRequests: LIMIT });
    const { ok, limited, codes } = await spread(token);
    console.log(
      `[daily] ${REQUESTS} requests over 2 instances, dailyRequests ${LIMIT}: ${ok} succeeded, ${limited} got 429`,
    );
    expect(ok).toBe(LIMIT);
    expect(limited).toBe(REQUESTS - LIMIT);
    expect([...codes]).toEqual(["token_daily_quota_exceeded"]);
  }, 60_000);
});
