/**
 * The coordinator's feed and overlay age together: a cursor from before an expired overlay
 * reloads (complete: false) instead of sending the isolate to read each changed id from KV.
 * Run in Node against an in-memory stand-in for Durable Object storage (Map semantics, sorted
 * listing) with a fake clock; workerd runs the object for real in examples/workers-do.
 */
import type { KeyChanges } from "@keyhive/gateway";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type DurableObjectStorageLike, KeyhiveCoordinator } from "../src/do-coordinator.js";

function memoryObjectStorage(): DurableObjectStorageLike {
  const data = new Map<string, unknown>();
  let alarm: number | null = null;
  const sorted = () => [...data.keys()].sort();
  return {
    get: (async (keys: string | string[]) =>
      Array.isArray(keys)
        ? new Map(keys.filter((k) => data.has(k)).map((k) => [k, structuredClone(data.get(k))]))
        : structuredClone(data.get(keys))) as DurableObjectStorageLike["get"],
    async put(entries) {
      for (const [k, v] of Object.entries(entries)) data.set(k, structuredClone(v));
    },
    async delete(keys) {
      return keys.filter((k) => data.delete(k)).length;
    },
    async list<T>(options: { prefix?: string; start?: string; limit?: number } = {}) {
      const keys = sorted().filter((k) => k.startsWith(options.prefix ?? "") && (!options.start || k >= options.start));
      return new Map(keys.slice(0, options.limit ?? keys.length).map((k) => [k, data.get(k) as T]));
    },
    async getAlarm() {
      return alarm;
    },
    async setAlarm(at) {
      alarm = at;
    },
  };
}

const call = async <T>(object: KeyhiveCoordinator, body: unknown): Promise<T> =>
  (
    await object.fetch(new Request("https://coordinator/", { method: "POST", body: JSON.stringify(body) }))
  ).json() as Promise<T>;

describe("the coordinator's feed expires with its overlay", () => {
  beforeEach(() => vi.useFakeTimers({ now: Date.UTC(2026, 11, 3, 12) }));
  afterEach(() => vi.useRealTimers());

  it("a cursor older than the overlay reloads; a recent one reads the feed; the rest stays", async () => {
    const object = new KeyhiveCoordinator({ storage: memoryObjectStorage() });
    const start = await call<KeyChanges>(object, { op: "changes" });
    await call(object, { op: "write", touched: ["k1", "k2"] });
    const afterFirst = (await call<KeyChanges>(object, { op: "changes", cursor: start.cursor })).cursor;
    vi.advanceTimersByTime(9 * 60_000);
    await call(object, { op: "write", touched: ["k3"] });
    // Inside the 10 minutes: the feed still answers from the first cursor.
    await object.alarm();
    expect(await call(object, { op: "changes", cursor: start.cursor })).toMatchObject({
      complete: true,
      ids: ["k1", "k2", "k3"],
    });

    vi.advanceTimersByTime(2 * 60_000); // the first write is 11 minutes old, the second 2
    await object.alarm();
    expect(await call(object, { op: "changes", cursor: start.cursor })).toMatchObject({ complete: false });
    expect(await call(object, { op: "changes", cursor: afterFirst })).toMatchObject({ complete: true, ids: ["k3"] });
  });

  it("keeps its alarm while only feed entries remain, and drops them once expired", async () => {
    const storage = memoryObjectStorage();
    const object = new KeyhiveCoordinator({ storage });
    const fire = async () => {
      await storage.setAlarm(null as unknown as number); // the runtime clears an alarm as it fires
      await object.alarm();
    };
    await call(object, { op: "write", touched: ["only-in-the-feed"] }); // no overlay record
    vi.advanceTimersByTime(5 * 60_000);
    await fire();
    expect((await storage.list({ prefix: "f:" })).size).toBe(1);
    expect(await storage.getAlarm()).not.toBeNull(); // rescheduled for the entry still there
    vi.advanceTimersByTime(6 * 60_000);
    await fire();
    expect((await storage.list({ prefix: "f:" })).size).toBe(0);
    expect(await storage.getAlarm()).toBeNull(); // nothing left to sweep
  });
});
