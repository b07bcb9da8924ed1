import { describe, expect, it } from "vitest";
import { csvRecords } from "./import-csv.js";
import { parseImport } from "./import-formats.js";

const A = "sk-import-aaaa-000001";
const B = "sk-import-bbbb-000002";
const C = "sk-import-cccc-000003";

describe("parseImport: plain lists and key|balance", () => {
  it("reads a list with any of the export's separators (newline, comma, space, semicolon, tab)", () => {
    for (const sep of ["\n", ",", " ", ";", "\t", "\r\n"]) {
      const parsed = parseImport([A, B, C].join(sep));
      expect(parsed.format).toBe("lines");
      expect(parsed.keys).toEqual([{ secret: A }, { secret: B }, { secret: C }]);
      expect(parsed.rejected).toEqual([]);
    }
  });

  it("keeps each key once, in first-seen order", () => {
    expect(parseImport(`${B}\n${A}\n${B}, ${A}`).keys.map((k) => k.secret)).toEqual([B, A]);
  });

  it("reads key|balance lines as the export writes them, an empty balance meaning none", () => {
    const parsed = parseImport(`${A}|12.5\n${B}|\n${C}|0`);
    expect(parsed.format).toBe("key-balance");
    expect(parsed.keys).toEqual([{ secret: A, balance: 12.5 }, { secret: B }, { secret: C, balance: 0 }]);
  });

  it("reads key|balance joined by another separator, and keys without a balance among them", () => {
    const parsed = parseImport(`${A}|3;${B}|1e2\t${C}`);
    expect(parsed.keys).toEqual([{ secret: A, balance: 3 }, { secret: B, balance: 100 }, { secret: C }]);
  });

  it("rejects a bad balance and a doubled '|' by line number, keeping the other lines", () => {
    const parsed = parseImport(`${A}|14\n\n${B}|lots\n${C}|1|2\nsk-import-dddd-000004|-1.5`);
    expect(parsed.keys).toEqual([
      { secret: A, balance: 14 },
      { secret: "sk-import-dddd-000004", balance: -1.5 },
    ]);
    expect(parsed.rejected).toEqual([
      { line: 3, reason: 'balance "lots" is not a number' },
      { line: 4, reason: "more than one '|' in a `key|balance` item" },
    ]);
  });

  it("a repeated key fills in a balance the first occurrence lacked, never replaces one", () => {
    expect(parseImport(`${A}|\n${A}|7\n${A}|9`).keys).toEqual([{ secret: A, balance: 7 }]);
  });

  it("rejects masked keys (an export without reveal=true) instead of importing them", () => {
    const parsed = parseImport(`sk-imp…0001\n${A}`);
    expect(parsed.keys).toEqual([{ secret: A }]);
    expect(parsed.rejected).toEqual([{ line: 1, reason: "a masked key: export with reveal=true" }]);
  });

  it("an explicit format wins over detection", () => {
    expect(parseImport(`${A}|5`, "lines").keys).toEqual([{ secret: `${A}|5` }]);
    expect(parseImport(`${A}`, "key-balance")).toEqual({ format: "key-balance", keys: [{ secret: A }], rejected: [] });
  });
});

describe("parseImport: CSV", () => {
  it("reads Keyhive's CSV export by its header, ignoring the other columns", () => {
    const csv = [
      "id,provider,key,status,balance,tags,addedAt,lastCheckedAt",
      `fake-1,fake,${A},active,20,team-a b,2026-01-01T00:00:00.000Z,`,
      `fake-2,fake,${B},invalid,,,2026-01-01T00:00:00.000Z,2026-01-02T00:00:00.000Z`,
    ].join("\n");
    const parsed = parseImport(csv);
    expect(parsed.format).toBe("csv");
    expect(parsed.keys).toEqual([{ secret: A, balance: 20 }, { secret: B }]);
  });

  it("reads quoted cells with commas, quotes and newlines, numbering rows by the line they start on", () => {
    const csv = `key,balance,note\n"${A}",1.5,"a, ""quoted""\nnote"\n${B},2,x\n${C},oops,y\n${C}\n`;
    const parsed = parseImport(csv);
    expect(parsed.keys).toEqual([
      { secret: A, balance: 1.5 },
      { secret: B, balance: 2 },
    ]);
    expect(parsed.rejected).toEqual([
      { line: 5, reason: 'balance "oops" is not a number' },
      { line: 6, reason: "1 cells, the header has 3" },
    ]);
  });

  it("reads the seed D1 table as CSV rows (key,balance,added,last_updated)", () => {
    const csv = `key,balance,added,last_updated\r\n${A},14,2025-01-01 00:00:00,2025-02-01 00:00:00\r\n`;
    expect(parseImport(csv, "seed-d1")).toEqual({
      format: "seed-d1",
      keys: [{ secret: A, balance: 14 }],
      rejected: [],
    });
    expect(parseImport(csv).format).toBe("csv");
  });

  it("rejects an unterminated quoted cell from its line on, and a CSV without a key column as a whole", () => {
    const parsed = parseImport(`key,balance\n${A},1\n"${B},2\n${C},3`);
    expect(parsed.keys).toEqual([{ secret: A, balance: 1 }]);
    expect(parsed.rejected).toEqual([{ line: 3, reason: "a quoted cell is never closed" }]);
    expect(() => parseImport("name,balance\nx,1", "csv")).toThrow(/header naming a `key` column/);
  });

  it("csvRecords skips blank lines and keeps empty cells", () => {
    expect(csvRecords("a,b\n\n,\n")).toEqual([
      { line: 1, cells: ["a", "b"] },
      { line: 3, cells: ["", ""] },
    ]);
  });
});
