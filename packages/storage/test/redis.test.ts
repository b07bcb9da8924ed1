import { type RedisServer, startRedis } from "@keyhive/gateway/testing";
import { testStorage } from "@keyhive/gateway/testing/storage";
import { Redis } from "ioredis";
import { afterAll, beforeAll } from "vitest";
import { createRedisStorage } from "../src/redis.js";
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
