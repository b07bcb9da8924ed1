/**
 * 20 concurrent writers × 500 keys spread over 3 real instances on one redis-server: Redis
 * and every instance's view hold all 10,000 keys (0 lost) within the (default) refresh interval.
 */
import { type RedisServer, startRedis } from "@keyhive/gateway/testing";
import { type MockOpenAI, startMockOpenAI } from "@keyhive/provider-openai/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addKeys, digestOf, type Instance, secrets, startCluster, storageTruth, timeUntil } from "./test-cluster.js";

/** The documented default of KEYHIVE_REFRESH_INTERVAL_MS, left unset: the bound asserted. */
const INTERVAL_MS = 5000;
const WRITERS = 20;
const PER_WRITER = 500;

let redis: RedisServer;
let mock: MockOpenAI;
let cluster: Instance[] = [];

beforeAll(async () => {
  redis = await startRedis(); // fails with "redis-server not found … apt-get install -y redis-server"
  mock = await startMockOpenAI({ acceptAnyKey: true });
  cluster = await startCluster(3, { redisURL: redis.url, upstream: mock.baseURL });
}, 60_000);
afterAll(async () => {
  await Promise.all(cluster.map((instance) => instance.stop()));
  await mock?.close();
  await redis?.stop();
});

describe(`${WRITERS} concurrent writers × ${PER_WRITER} keys over 3 instances`, () => {
  it(`lose none: Redis and every instance hold all ${WRITERS * PER_WRITER}`, async () => {
    const start = performance.now();
    const added = await Promise.all(
      Array.from({ length: WRITERS }, (_, w) =>
        addKeys(cluster[w % cluster.length] as Instance, secrets(`writer${w}`, PER_WRITER)),
      ),
    );
    const writeMs = performance.now() - start;
    for (const ids of added) expect(ids.length).toBe(PER_WRITER);
    const ids = added.flat();
    const expected = digestOf(ids.map((id) => `${id} active`));
    const truth = await storageTruth(redis.url);
    expect(truth.total).toBe(WRITERS * PER_WRITER);
    expect(truth.digest).toBe(expected);

    const agreedAfter = await Promise.all(
      cluster.map((instance) =>
        timeUntil(async () => {
          const view = await instance.view();
          return view.keys.total === truth.total && view.keys.digest === truth.digest;
        }, INTERVAL_MS),
      ),
    );
    const ms = (t: number | undefined) => (t === undefined ? "NEVER" : `${t.toFixed(0)} ms`);
    console.log(
      `[writers] ${WRITERS}×${PER_WRITER} keys written in ${writeMs.toFixed(0)} ms; Redis holds ${truth.total}; ` +
        `instances agree after ${agreedAfter.map(ms).join(", ")}`,
    );
    for (const t of agreedAfter) expect(t).toBeDefined();
  }, 90_000);
});
