import type { HistoryEntry } from "@keyhive/gateway";
import { describe, expect, it } from "vitest";
import { createHistoryFilter } from "./history-dedupe.js";
import { createMemoryStorage } from "./memory.js";

const at = Date.now() - 60_000;
const entry = (balance: number, keyId = "k1"): HistoryEntry => ({ at, kind: "balance", keyId, data: { balance } });

describe("createHistoryFilter", () => {
  it("drops entries the store held before, one per stored copy, whatever their field order", async () => {
    const storage = createMemoryStorage();
    await storage.history.append([entry(1), entry(1), { data: { balance: 2 }, keyId: "k1", kind: "balance", at }]);
    const filter = createHistoryFilter(storage.history);
    // Three copies of balance 1 in the input, two stored: one is new. balance 2 is stored once.
    const batch = [entry(1), entry(1), entry(1), entry(2), entry(3)];
    expect(await filter.fresh(batch)).toEqual([entry(1), entry(3)]);
  });

  it("reads each day before the import's own writes, so entries it appended are never matched", async () => {
    const storage = createMemoryStorage();
    const filter = createHistoryFilter(storage.history);
    const first = await filter.fresh([entry(1)]);
    await storage.history.append(first);
    // A second identical entry later in the same input is the source's own: it stays.
    expect(await filter.fresh([entry(1)])).toEqual([entry(1)]);
  });
});
