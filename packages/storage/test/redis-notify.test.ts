/**
 * Redis change notification, on a real redis-server: one storage's writes wake another
 * storage's watchers (keys, tokens, settings), a stopped watcher hears nothing, and close()
 * ends the subscriber connection so nothing keeps the process alive.
 */

import type { Storage } from "@keyhive/gateway";
import { type RedisServer, startRedis } from "@keyhive/gateway/testing";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisStorage } from "../src/redis.js";

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

const record = (n: number) => ({
  id: `fake-${String(n).padStart(20, "0")}`,
  provider: "fake",
  secret: `sk-notify-${n}`,
  hash: "0".repeat(64),
  tags: [],
  weight: 1,
  status: "active" as const,
  statusChangedAt: 0,
  consecutiveFailures: 0,
  addedAt: 0,
  updatedAt: 0,
});

/** Resolves with the ms until `listener` was called `times` times. */
function heard(storage: Storage, times = 1) {
  const started = performance.now();
  let calls = 0;
  let stop = () => {};
  const done = new Promise<number>((resolve) => {
    stop = storage.watch?.(() => {
      calls++;
      if (calls >= times) resolve(performance.now() - started);
    }) as () => void;
  });
  return { done, stop: () => stop(), calls: () => calls };
}

describe("redis watch", () => {
  it("wakes another instance's watcher on key, token and setting writes, in milliseconds", async () => {
    const writer = await createRedisStorage({ url: server.url });
    const reader = await createRedisStorage({ url: server.url });
    try {
      const keyWrite = heard(reader);
      // The subscriber connects lazily: give SUBSCRIBE its round trip before the first write.
      await new Promise((resolve) => setTimeout(resolve, 100));
      await writer.keys.add([record(1)]);
      expect(await keyWrite.done).toBeLessThan(1000);
      keyWrite.stop();

      const tokenWrite = heard(reader);
      const at = performance.now();
      await writer.tokens.put({ id: "t1", name: "t", hash: "h", hint: "kh-…", createdAt: 0 });
      await tokenWrite.done;
      expect(performance.now() - at).toBeLessThan(100);
      tokenWrite.stop();

      const settingWrite = heard(reader);
      await writer.settings.set("strategy", "random");
      await settingWrite.done;
      settingWrite.stop();
    } finally {
      await writer.close?.();
      await reader.close?.();
    }
  });

  it("a stopped watcher hears nothing; close() leaves no subscriber connection behind", async () => {
    const writer = await createRedisStorage({ url: server.url });
    const reader = await createRedisStorage({ url: server.url });
    const watch = heard(reader);
    await new Promise((resolve) => setTimeout(resolve, 100));
    watch.stop();
    await writer.keys.add([record(2)]);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(watch.calls()).toBe(0);
    await reader.close?.();
    await writer.close?.();
    const clients = String(await admin.client("LIST"));
    expect(clients.match(/cmd=subscribe/g) ?? []).toHaveLength(0);
  });
});
