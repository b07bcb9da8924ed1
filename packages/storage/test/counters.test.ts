import { type RedisServer, startRedis } from "@keyhive/gateway/testing";
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createLocalCounters } from "../src/local-counters.js";
import { createRedisCounters } from "../src/redis-counters.js";
import { testCounters } from "./counters.case.js";

let clock = 1_000_000;
testCounters({
  name: "memory (local)",
  create: () => createLocalCounters({ now: () => clock }),
  sleepPast: async (ms) => {
    clock += ms;
  },
});

let server: RedisServer;
let admin: Redis;
beforeAll(async () => {
  server = await startRedis();
  admin = new Redis(server.url);
});
afterAll(async () => {
  await admin?.quit();
  await server?.stop();
});

testCounters({
  name: "redis",
  create: async () => {
    await admin.flushdb();
    return createRedisCounters(admin, "keyhive");
  },
  sleepPast: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
});

it("redis: the cost of one counter call on a local redis-server (printed)", async () => {
  await admin.flushdb();
  const counters = createRedisCounters(admin, "keyhive");
  const calls = 2_000;
  for (let i = 0; i < 200; i++) await counters.increment("bench.warm", 1, { ttlMs: 60_000, limit: 1e9 });
  const started = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await counters.increment("rpm.bench.1", 1, { ttlMs: 60_000, limit: 1e9 });
  const perCall = Number(process.hrtime.bigint() - started) / 1_000 / calls;
  console.log(`[counters] redis increment with limit: ${perCall.toFixed(0)} µs per call (sequential, ${calls} calls)`);
  expect(await counters.get("rpm.bench.1")).toBe(calls);
});
