/** Storage conformance, everything besides keys: the change feed, tokens, settings, usage and history. */
import { expect, it } from "vitest";
import type { KeyRecord } from "../spec/storage.js";
import { DAY, makeKeys, type StorageSuite } from "./storage-case-support.js";

/** The change feed, client tokens, settings and the revision they move. */
export function feedAndTokenTests({ open, now, caps, setClockOffset }: StorageSuite): void {
  it("reports writes made after a cursor in the change feed", async () => {
    const s = await open();
    const [a, b, c] = (await makeKeys("openai", 3)) as [KeyRecord, KeyRecord, KeyRecord];
    await s.keys.add([a, b]);
    const start = await s.keys.changes();
    expect(start.complete).toBe(true);
    await s.keys.add([c]);
    await s.keys.patch(a.id, { status: "disabled" });
    await s.keys.delete([b.id]);
    const feed = await s.keys.changes(start.cursor);
    expect(feed.complete).toBe(true);
    expect(feed.ids.sort()).toEqual([a.id, b.id, c.id].sort());
    const quiet = await s.keys.changes(feed.cursor);
    expect(quiet.ids).not.toContain(a.id);
    expect((await s.keys.changes("not a cursor")).complete).toBe(false);
  });

  it.skipIf(!caps.clock)("says complete:false for a cursor from the far past (needs ctx.now)", async () => {
    const s = await open();
    const cursor = (await s.keys.changes()).cursor;
    setClockOffset(2 * DAY);
    await s.keys.add(await makeKeys("openai", 1));
    const late = await s.keys.changes(cursor);
    expect(late.complete).toBe(false);
    expect((await s.keys.changes(late.cursor)).complete).toBe(true);
  });

  it("stores tokens and changes the revision when tokens or settings change", async () => {
    const s = await open();
    const r0 = await s.revision();
    const token = { id: "t1", name: "ci", hash: "ab".repeat(32), hint: "kh-ab…yz", createdAt: now(), models: ["m"] };
    await s.tokens.put(token);
    const r1 = await s.revision();
    expect(r1).not.toBe(r0);
    expect(await s.tokens.get("t1")).toEqual(token);
    await s.tokens.put({ ...token, id: "t2", name: "other" });
    expect((await s.tokens.list()).map((t) => t.id).sort()).toEqual(["t1", "t2"]);
    expect(await s.tokens.delete("t1")).toBe(true);
    expect(await s.tokens.delete("t1")).toBe(false);
    expect(await s.tokens.get("t1")).toBeNull();
    const r2 = await s.revision();
    expect(r2).not.toBe(r1);
    await s.settings.set("strategy", { name: "weighted" });
    await s.settings.set("adminHash", "x");
    expect(await s.revision()).not.toBe(r2);
    expect(await s.settings.get("strategy")).toEqual({ name: "weighted" });
    expect(await s.settings.get("missing")).toBeUndefined();
    expect(await s.settings.all()).toEqual({ strategy: { name: "weighted" }, adminHash: "x" });
  });

  it("deletes a setting, if the store offers it, and moves the revision", async () => {
    const s = await open();
    if (!s.settings.delete) return; // optional in the contract: such a store never prunes
    await s.settings.set("job.bulk.a", { state: "done" });
    await s.settings.set("keep", 1);
    const before = await s.revision();
    await s.settings.delete("job.bulk.a");
    await s.settings.delete("never-set");
    expect(await s.revision()).not.toBe(before);
    expect(await s.settings.get("job.bulk.a")).toBeUndefined();
    expect(await s.settings.all()).toEqual({ keep: 1 });
  });
}

/** Usage shards summed across instances, and history with its retention. */
export function usageAndHistoryTests({ open, now, caps, setClockOffset }: StorageSuite): void {
  it("sums usage shards across instances, by day and id", async () => {
    const s = await open();
    const counters = (requests: number, failures: Record<string, number> = {}) => ({
      requests,
      successes: requests - 1,
      failures,
      promptTokens: requests * 10,
      completionTokens: requests * 2,
    });
    await s.usage.write("i1", [
      { scope: "key", id: "k1", day: "2026-01-01", counters: counters(3, { rate_limited: 1 }) },
      { scope: "key", id: "k2", day: "2026-01-02", counters: counters(2) },
    ]);
    await s.usage.write("i2", [
      { scope: "key", id: "k1", day: "2026-01-01", counters: counters(4, { rate_limited: 2 }) },
    ]);
    await s.usage.write("i1", [
      { scope: "key", id: "k1", day: "2026-01-01", counters: counters(5, { rate_limited: 1 }) },
    ]);
    const rows = await s.usage.query({ scope: "key", from: "2026-01-01", to: "2026-01-31" });
    const k1 = rows.find((r) => r.id === "k1");
    expect(k1?.counters).toEqual({
      requests: 9,
      successes: 7,
      failures: { rate_limited: 3 },
      promptTokens: 90,
      completionTokens: 18,
    });
    expect(rows).toHaveLength(2);
    expect(await s.usage.query({ scope: "key", id: "k2", from: "2026-01-01", to: "2026-01-01" })).toEqual([]);
    expect(await s.usage.query({ scope: "token", from: "2026-01-01", to: "2026-01-31" })).toEqual([]);
  });

  it("appends and queries history by kind, key and time, and prunes", async () => {
    const s = await open();
    const t = now();
    await s.history.append([
      { at: t - 20 * DAY, kind: "pool", data: { old: true } },
      { at: t - 10 * DAY, kind: "balance", keyId: "k1", data: { balance: 5 } },
      { at: t - 3 * DAY, kind: "status", keyId: "k2", data: { status: "invalid" } },
      { at: t - 1000, kind: "balance", keyId: "k2", data: { balance: 1 } },
    ]);
    const week = await s.history.query({ since: t - 7 * DAY });
    expect(week.map((e) => e.at)).toEqual([t - 3 * DAY, t - 1000]);
    expect((await s.history.query({ since: t - 30 * DAY, kind: "balance" })).map((e) => e.keyId)).toEqual(["k1", "k2"]);
    expect((await s.history.query({ since: t - 30 * DAY, keyId: "k2" })).map((e) => e.kind)).toEqual([
      "status",
      "balance",
    ]);
    expect(await s.history.query({ since: t - 15 * DAY, until: t - 5 * DAY })).toEqual([
      { at: t - 10 * DAY, kind: "balance", keyId: "k1", data: { balance: 5 } },
    ]);
    expect(await s.history.prune(t - 5 * DAY)).toBe(2);
    expect((await s.history.query({ since: 0 })).map((e) => e.at)).toEqual([t - 3 * DAY, t - 1000]);
  });

  it.skipIf(!caps.clock)("drops history past the default 30-day retention on append (needs ctx.now)", async () => {
    const s = await open();
    setClockOffset(0);
    await s.history.append([
      { at: now() - 31 * DAY, kind: "pool", data: {} },
      { at: now() - 29 * DAY, kind: "pool", data: {} },
    ]);
    expect((await s.history.query({ since: 0 })).map((e) => Math.round((now() - e.at) / DAY))).toEqual([29]);
  });
}
