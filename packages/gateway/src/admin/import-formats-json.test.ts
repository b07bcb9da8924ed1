import { describe, expect, it } from "vitest";
import { parseImport } from "./import-formats.js";

const A = "sk-import-aaaa-000001";
const B = "sk-import-bbbb-000002";
const C = "sk-import-cccc-000003";

describe("parseImport: Keyhive JSON and the seed D1 dump", () => {
  it("reads Keyhive's JSON export (balance null = none)", () => {
    const exported = [
      {
        id: "fake-1",
        provider: "fake",
        key: A,
        status: "active",
        balance: 20,
        tags: [],
        addedAt: 1,
        lastCheckedAt: null,
      },
      {
        id: "fake-2",
        provider: "fake",
        key: B,
        status: "active",
        balance: null,
        tags: [],
        addedAt: 1,
        lastCheckedAt: 2,
      },
    ];
    const parsed = parseImport(JSON.stringify(exported, null, 2));
    expect(parsed).toEqual({ format: "json", keys: [{ secret: A, balance: 20 }, { secret: B }], rejected: [] });
  });

  it("reads `wrangler d1 execute --json` output, every result set", () => {
    const dump = [
      {
        results: [
          { key: A, balance: 14, added: "2025-01-01 00:00:00", last_updated: "2025-02-01 00:00:00" },
          { key: B, balance: "0.5", added: "2025-01-01 00:00:00", last_updated: null },
        ],
        success: true,
        meta: { duration: 0.2 },
      },
      { results: [{ key: C, balance: 0 }], success: true, meta: {} },
    ];
    const parsed = parseImport(JSON.stringify(dump));
    expect(parsed.format).toBe("seed-d1");
    expect(parsed.keys).toEqual([
      { secret: A, balance: 14 },
      { secret: B, balance: 0.5 },
      { secret: C, balance: 0 },
    ]);
  });

  it("reads a plain array of D1 rows as seed-d1", () => {
    const rows = [{ key: A, balance: 1, added: "x", last_updated: "y" }];
    expect(parseImport(JSON.stringify(rows)).format).toBe("seed-d1");
  });

  it("rejects malformed items by item number, keeping the rest", () => {
    const dump = [{ results: [{ key: A, balance: 1 }, { balance: 2 }, 42, { key: B, balance: "n/a" }, { key: C }] }];
    const parsed = parseImport(JSON.stringify(dump));
    expect(parsed.keys).toEqual([{ secret: A, balance: 1 }, { secret: C }]);
    expect(parsed.rejected).toEqual([
      { item: 2, reason: "no key (expected a string)" },
      { item: 3, reason: "expected a key string or an object with `key`" },
      { item: 4, reason: 'balance "n/a" is not a number' },
    ]);
  });

  it("refuses text that is not JSON when a JSON format is named, or JSON of no known shape", () => {
    expect(() => parseImport(`${A}\n${B}`, "json")).toThrow(/not valid JSON/);
    expect(() => parseImport("[1, 2", "auto")).toThrow(/not valid JSON/);
    expect(() => parseImport("42", "seed-kv")).toThrow(/must be an array of keys or rows/);
  });
});

describe("parseImport: the seed KV value", () => {
  it("reads an array of key strings", () => {
    expect(parseImport(JSON.stringify([A, B, A]))).toEqual({
      format: "seed-kv",
      keys: [{ secret: A }, { secret: B }],
      rejected: [],
    });
  });

  it("reads an array of records with key and optional balance", () => {
    const value = [{ key: A, balance: 14, added: 1 }, { secret: B }];
    expect(parseImport(JSON.stringify(value), "seed-kv").keys).toEqual([{ secret: A, balance: 14 }, { secret: B }]);
  });

  it("reads an object map key → balance and key → record, and {keys: [...]}", () => {
    const map = { [A]: 14, [B]: { balance: 2, last_updated: "x" }, [C]: null, "sk-import-dddd-000004": [] };
    const parsed = parseImport(JSON.stringify(map));
    expect(parsed.format).toBe("seed-kv");
    expect(parsed.keys).toEqual([{ secret: A, balance: 14 }, { secret: B, balance: 2 }, { secret: C }]);
    expect(parsed.rejected).toEqual([
      { item: 4, reason: "expected a balance or an object with `balance` as the value" },
    ]);
    expect(parseImport(JSON.stringify({ keys: [A, { key: B, balance: 3 }] })).keys).toEqual([
      { secret: A },
      { secret: B, balance: 3 },
    ]);
  });

  it("tolerates a byte-order mark and surrounding whitespace", () => {
    expect(parseImport(`\uFEFF  \n[${JSON.stringify(A)}]\n`).keys).toEqual([{ secret: A }]);
  });
});
