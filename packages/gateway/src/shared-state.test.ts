/**
 * Convergence of two gateways on one storage: an idle instance applies a change within the
 * refresh interval (background timer), at once when the storage notifies (watch), and without a
 * timer (Workers) the first request after the interval refreshes before it selects a key.
 */
import { afterEach, describe, expect, it } from "vitest";
import { chatBody, createMemoryStorage, FAKE, seedKeys, startRig, type TestRig } from "../test/support/index.js";
import type { Storage } from "./spec/storage.js";

const rigs: TestRig[] = [];
const stops: (() => void)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) stop();
  for (const rig of rigs.splice(0)) await rig.close();
});

async function twoInstances(storage: Storage, refreshIntervalMs: number, now?: () => number) {
  const options = { storage, refreshIntervalMs, ...(now ? { now } : {}) };
  const a = await startRig({ keys: { "sk-shared-new-key-01": "ok" } }, options);
  const b = await startRig({ keys: { "sk-shared-new-key-01": "ok" } }, options);
  rigs.push(a, b);
  return { a, b };
}

/** Resolves with the ms it took until `b` holds `count` keys (its pool only: no request on b). */
async function waitForKeys(rig: TestRig, count: number, limitMs: number): Promise<number> {
  const started = Date.now();
  while (rig.gateway.pool.keysOf(FAKE).length < count) {
    if (Date.now() - started > limitMs) throw new Error(`not converged within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return Date.now() - started;
}

/** The test storage plus a `watch` that fires after every key write, as Redis pub/sub does. */
function notifyingStorage(): Storage {
  const storage = createMemoryStorage();
  const listeners = new Set<() => void>();
  const notify = () =>
    queueMicrotask(() => {
      for (const listener of listeners) listener();
    });
  const keys = storage.keys;
  return {
    ...storage,
    keys: {
      ...keys,
      get: (id) => keys.get(id),
      list: (query) => keys.list(query),
      changes: (cursor) => keys.changes(cursor),
      count: (provider) => keys.count(provider),
      put: (record) => keys.put(record).finally(notify),
      patch: (id, patch) => keys.patch(id, patch).finally(notify),
      add: (records) => keys.add(records).finally(notify),
      delete: (ids) => keys.delete(ids).finally(notify),
    },
    watch(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

describe("shared state across instances", () => {
  it("an idle instance applies another's new key within the interval (background timer)", async () => {
    const { a, b } = await twoInstances(createMemoryStorage(), 200);
    stops.push(b.gateway.startBackgroundSync());
    expect(b.gateway.pool.keysOf(FAKE)).toHaveLength(0);
    await seedKeys(a.gateway, ["sk-shared-new-key-01"]);
    const took = await waitForKeys(b, 1, 2000);
    expect(took).toBeLessThan(200 + 150);
  });

  it("converges at once when the storage notifies, long before the interval", async () => {
    const { a, b } = await twoInstances(notifyingStorage(), 60_000);
    stops.push(b.gateway.startBackgroundSync());
    await seedKeys(a.gateway, ["sk-shared-new-key-01"]);
    expect(await waitForKeys(b, 1, 1000)).toBeLessThan(200);
  });

  it("stops syncing when stopped: no timer outlives the returned function", async () => {
    const { a, b } = await twoInstances(createMemoryStorage(), 100);
    b.gateway.startBackgroundSync()();
    await seedKeys(a.gateway, ["sk-shared-new-key-01"]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(b.gateway.pool.keysOf(FAKE)).toHaveLength(0);
  });

  it("without a timer (Workers), the first request after the interval refreshes before it selects", async () => {
    let clock = 1_000_000;
    const { a, b } = await twoInstances(createMemoryStorage(), 5000, () => clock);
    await seedKeys(a.gateway, ["sk-shared-new-key-01"]);
    // Within the interval b answers from its view: no key yet.
    expect((await b.call("/v1/chat/completions", { json: chatBody() })).status).toBe(503);
    clock += 5000;
    const served = await b.call("/v1/chat/completions", { json: chatBody() });
    expect(served.status).toBe(200);
  });
});
