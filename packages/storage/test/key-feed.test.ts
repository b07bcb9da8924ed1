/**
 * The write-ahead change feed on an unstorage driver, step by step: pending entries re-read until
 * their commit, a dead writer's pending entry re-read for the overlap window only, renewal of a
 * long chunk's pending entry, and entries of the earlier format.
 */
import { makeKeys } from "@keyhive/gateway/testing/storage";
import { createStorage, type Storage as Unstorage } from "unstorage";
import memoryDriver from "unstorage/drivers/memory";
import { describe, expect, it } from "vitest";
import { createUnstorageStorage } from "../src/unstorage-storage.js";
import { failing, writeBudget } from "./failing-writes.js";

const sorted = (ids: string[]) => [...ids].sort();

/** A store whose key-record writes wait for `release()` (feed entries pass at once). */
function gated(store: Unstorage) {
  let release = () => {};
  const open = new Promise<void>((resolve) => {
    release = resolve;
  });
  const setItem = store.setItem.bind(store);
  const wrapped = new Proxy(store, {
    get(obj, prop) {
      if (prop === "setItem")
        return async (key: string, ...rest: unknown[]) => {
          if (key.includes(":keys:")) await open;
          return setItem(key, ...(rest as [never]));
        };
      const value = Reflect.get(obj, prop);
      return typeof value === "function" ? value.bind(obj) : value;
    },
  });
  return { store: wrapped, release };
}

describe("write-ahead key change feed (unstorage)", () => {
  it("returns a pending write's ids on every read until its commit, then not again", async () => {
    const raw = createStorage({ driver: memoryDriver() });
    const { store, release } = gated(raw);
    const writer = createUnstorageStorage(store);
    const reader = createUnstorageStorage(raw);
    const keys = await makeKeys("openai", 3, "gate");
    let cursor = (await reader.keys.changes()).cursor;
    const adding = writer.keys.add(keys);
    await new Promise((resolve) => setTimeout(resolve, 10));
    for (let i = 0; i < 2; i++) {
      const feed = await reader.keys.changes(cursor);
      expect(sorted(feed.ids)).toEqual(sorted(keys.map((r) => r.id)));
      expect(await reader.keys.get(keys[0]?.id as string)).toBeNull(); // data not landed yet
      cursor = feed.cursor;
    }
    release();
    await adding;
    const committed = await reader.keys.changes(cursor);
    expect(sorted(committed.ids)).toEqual(sorted(keys.map((r) => r.id)));
    expect((await reader.keys.changes(committed.cursor)).ids).toEqual([]);
  });

  it("re-reads a dead writer's pending ids for the overlap window, then stops", async () => {
    let clock = 1_000_000_000;
    const now = () => clock;
    const raw = createStorage({ driver: memoryDriver() });
    const writer = createUnstorageStorage(failing(raw, ["setItem", "removeItem"], writeBudget(3)), { now });
    const reader = createUnstorageStorage(raw, { now });
    const keys = await makeKeys("openai", 10, "dead");
    let cursor = (await reader.keys.changes()).cursor;
    await expect(writer.keys.add(keys)).rejects.toThrow(/simulated crash/);
    for (const step of [1000, 5000, 5000, 5000, 5000, 5000]) {
      clock += step;
      const feed = await reader.keys.changes(cursor);
      expect(feed.ids).toHaveLength(10);
      cursor = feed.cursor;
    }
    // The window reaches 30 s back from the reader's previous read: one more poll, then never.
    clock += 6000;
    const last = await reader.keys.changes(cursor);
    expect(last.ids).toHaveLength(10);
    clock += 5000;
    expect((await reader.keys.changes(last.cursor)).ids).toEqual([]);
  });

  it("renews the pending entry of a chunk that runs past 10 s, so a crash late in it is still re-read", async () => {
    let clock = 1_000_000_000;
    const now = () => clock;
    const raw = createStorage({ driver: memoryDriver() });
    const budget = writeBudget(36);
    // Each key write takes 1 s of the injected clock: the 40-key chunk runs for 40 s.
    const slow = failing(raw, ["setItem"], () => {
      budget();
      clock += 1000;
    });
    const writer = createUnstorageStorage(slow, { now, concurrency: 1 });
    const reader = createUnstorageStorage(raw, { now });
    const keys = await makeKeys("openai", 40, "slow");
    const cursor = (await reader.keys.changes()).cursor;
    await expect(writer.keys.add(keys)).rejects.toThrow(/simulated crash/);
    const pending = (await raw.getKeys("keyhive:changes")).filter((k) => k.endsWith("-p"));
    expect(pending.length).toBeGreaterThanOrEqual(3);
    clock += 5000;
    const feed = await reader.keys.changes(cursor);
    expect(feed.ids).toHaveLength(40); // writes landed 30 s after the first pending entry are covered
  });

  it("reads entries of the earlier format (one id array under `<ts>-<rand>`)", async () => {
    const raw = createStorage({ driver: memoryDriver() });
    const reader = createUnstorageStorage(raw);
    const start = await reader.keys.changes();
    await raw.setItem(`keyhive:changes:${String(Date.now()).padStart(14, "0")}-legacy1`, ["openai-a", "openai-b"]);
    const feed = await reader.keys.changes(start.cursor);
    expect(sorted(feed.ids)).toEqual(["openai-a", "openai-b"]);
    expect((await reader.keys.changes(feed.cursor)).ids).toEqual([]);
  });
});
