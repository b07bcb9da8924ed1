import type { Storage } from "@keyhive/gateway";
import type { Redis, RedisOptions } from "ioredis";
import { createStorage, defineDriver } from "unstorage";
import { createRedisCounters } from "./redis-counters.js";
import { createRedisNotifier } from "./redis-notify.js";
import { createUnstorageStorage, type UnstorageStorageOptions } from "./unstorage-storage.js";

export interface RedisStorageOptions extends UnstorageStorageOptions {
  /** Connection URL, e.g. `redis://user:pass@host:6379/0`. Ignored when `client` is given. */
  url?: string;
  /** Extra ioredis options used with `url`. */
  redisOptions?: RedisOptions;
  /** An ioredis client you created (and will close yourself); `close()` then leaves it open. */
  client?: Redis;
  /** Keys requested per SCAN round-trip when listing. @default 1000 */
  scanCount?: number;
}

/**
 * Redis storage: one Redis string per record, exact shared counters (a Lua script) and change
 * notification over pub/sub (one extra connection per watching instance). `ioredis` is an
 * optional peer dependency, imported only when this function runs, so users of other drivers
 * never load it.
 *
 * @example
 * const storage = await createRedisStorage({ url: process.env.REDIS_URL });
 */
export async function createRedisStorage(options: RedisStorageOptions): Promise<Storage> {
  let client = options.client;
  const owned = !client;
  if (!client) {
    if (!options.url) throw new TypeError("createRedisStorage needs `url` or `client`");
    const { Redis: RedisClient } = await import("ioredis");
    client = new RedisClient(options.url, { lazyConnect: false, ...options.redisOptions });
  }
  const driver = redisDriver({ client, scanCount: options.scanCount ?? 1000, owned });
  const prefix = options.base ?? "keyhive";
  const notifier = createRedisNotifier(client, prefix);
  const storage = createUnstorageStorage(createStorage({ driver }), options, {
    counters: createRedisCounters(client, prefix),
    notify: () => notifier.notify(),
    watch: (listener) => notifier.watch(listener),
  });
  const close = storage.close?.bind(storage);
  return {
    ...storage,
    async close() {
      await notifier.close();
      await close?.();
    },
  };
}

interface RedisDriverOptions {
  client: Redis;
  scanCount: number;
  owned: boolean;
}

const escapeGlob = (s: string) => s.replace(/[*?[\]\\]/g, "\\$&");

/** A small unstorage driver over an existing client: MGET for batches, SCAN with COUNT for lists. */
const redisDriver = defineDriver((opts: RedisDriverOptions) => {
  const { client } = opts;
  return {
    name: "keyhive-redis",
    options: opts,
    getInstance: () => client,
    async hasItem(key) {
      return (await client.exists(key)) > 0;
    },
    getItem(key) {
      return client.get(key);
    },
    async getItems(items) {
      if (items.length === 0) return [];
      const values = await client.mget(...items.map((item) => item.key));
      return items.map((item, i) => ({ key: item.key, value: values[i] ?? null }));
    },
    async setItem(key, value) {
      await client.set(key, value);
    },
    async removeItem(key) {
      await client.unlink(key);
    },
    async getKeys(base) {
      const prefix = (base ?? "").replace(/:$/, "");
      const pattern = prefix ? `${escapeGlob(prefix)}:*` : "*";
      const keys: string[] = [];
      let cursor = "0";
      do {
        const [next, batch] = await client.scan(cursor, "MATCH", pattern, "COUNT", opts.scanCount);
        cursor = next;
        keys.push(...batch);
      } while (cursor !== "0");
      return keys;
    },
    async clear(base) {
      const keys = await this.getKeys?.(base ?? "", {});
      if (keys?.length) await client.unlink(...keys);
    },
    async dispose() {
      if (opts.owned) await client.quit();
    },
  };
});
