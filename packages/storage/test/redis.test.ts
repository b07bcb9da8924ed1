import { KeyPool } from "@keyhive/gateway";
import { type RedisServer, startRedis } from "@keyhive/gateway/testing";
import { makeKeys, testStorage } from "@keyhive/gateway/testing/storage";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisStorage } from "../src/redis.js";
import { failing, writeBudget } from "./failing-writes.js";
import { testRecordNames } from "./record-names.case.js";
import { testRotation } from "./rotation.case.js";

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

testStorage({
  name: "redis",
  create: async ({ now }) => {
    await admin.flushdb();
    return createRedisStorage({ url: server.url, now });
  },
  // Two instances on one Redis; the writer's client fails its SETs and UNLINKs after `failAfter`.
  shared: async ({ now, failAfter }) => {
    await admin.flushdb();
    const crashing = failing(admin, ["set", "unlink"], writeBudget(failAfter));
    return {
      writer: await createRedisStorage({ client: crashing, now }),
      reader: await createRedisStorage({ client: admin, now }),
    };
  },
});

testRecordNames({
  name: "redis",
  create: async () => {
    await admin.flushdb();
    return createRedisStorage({ client: admin });
  },
});

testRotation({
  name: "redis",
  create: async () => {
    await admin.flushdb();
    const raw = async () => {
      const keys = await admin.keys("*");
      return keys.length ? (await admin.mget(...keys)).join("\n") : "";
    };
    return { storage: await createRedisStorage({ client: admin }), raw };
  },
});

describe("change feed across instances on redis", () => {
  it("applies 10,000 changed ids on another instance within a second or two (getMany = MGET)", async () => {
    await admin.flushdb();
    const writer = await createRedisStorage({ client: admin });
    const reader = await createRedisStorage({ client: admin });
    const pool = new KeyPool({ storage: reader });
    await pool.ready();
    const keys = await makeKeys("openai", 10_000, "feed-10k");
    let started = Date.now();
    await writer.keys.add(keys);
    const writeMs = Date.now() - started;
    started = Date.now();
    await pool.refresh();
    const addMs = Date.now() - started;
    expect(pool.size).toBe(10_000);
    await writer.keys.delete(keys.map((r) => r.id));
    started = Date.now();
    await pool.refresh();
    const deleteMs = Date.now() - started;
    expect(pool.size).toBe(0);
    console.log(
      `[redis] 10,000-key add written in ${writeMs} ms; applied on B in ${addMs} ms, delete in ${deleteMs} ms`,
    );
    expect(addMs).toBeLessThan(2000);
    expect(deleteMs).toBeLessThan(2000);
  });
});
