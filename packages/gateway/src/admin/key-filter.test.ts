import { describe, expect, it } from "vitest";
import type { KeyRecord } from "../spec/storage.js";
import { keyFilterQuery, matchesFilter, sortKeys } from "./key-filter.js";

const key = (id: string, extra: Partial<KeyRecord> = {}): KeyRecord => ({
  id,
  provider: "openai",
  secret: `sk-${id}-secret`,
  hash: id,
  tags: [],
  weight: 1,
  status: "active",
  statusChangedAt: 0,
  consecutiveFailures: 0,
  addedAt: 0,
  updatedAt: 0,
  ...extra,
});

describe("key filter", () => {
  it("matches on provider, status, tag, balance range and free text", () => {
    const k = key("a", { status: "cooling", tags: ["team"], balance: 12, lastError: "boom" });
    expect(matchesFilter(k, { status: ["active", "cooling"], tag: "team", minBalance: 12, maxBalance: 12 })).toBe(true);
    expect(matchesFilter(k, { status: ["invalid"] })).toBe(false);
    expect(matchesFilter(k, { minBalance: 13 })).toBe(false);
    expect(matchesFilter(key("b"), { minBalance: 0 })).toBe(false);
    expect(matchesFilter(k, { q: "BOOM" })).toBe(true);
    expect(matchesFilter(k, { provider: "other" })).toBe(false);
    expect(matchesFilter(k, {})).toBe(true);
  });

  it("sorts with missing values last and parses query filters", () => {
    const sorted = sortKeys([key("a", { balance: 1 }), key("b"), key("c", { balance: 5 })], "balance", "desc");
    expect(sorted.map((k) => k.id)).toEqual(["c", "a", "b"]);
    expect(sortKeys(sorted, "balance", "asc").map((k) => k.id)).toEqual(["a", "c", "b"]);
    expect(keyFilterQuery.parse({ status: "active,cooling", minBalance: "2" })).toMatchObject({
      status: ["active", "cooling"],
      minBalance: 2,
    });
    expect(keyFilterQuery.safeParse({ status: "active,bogus" }).success).toBe(false);
    expect(keyFilterQuery.safeParse({ minBalance: "lots" }).success).toBe(false);
  });
});
