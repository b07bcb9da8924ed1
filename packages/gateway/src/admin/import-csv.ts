/**
 * CSV dumps with a header row: Keyhive's export (`id,provider,key,status,balance,…`) and the seed
 * D1 table as a rows export (`key,balance,added,last_updated`). Only `key` (or `secret`) and
 * `balance` are read; other columns are ignored.
 */
import { errors } from "../spec/errors.js";
import type { EntryCollector } from "./import-entries.js";

export interface CsvRecord {
  /** The line the record starts on (quoted cells may span lines). */
  line: number;
  cells: string[];
  /** A quote was still open at the end of the text. */
  unterminated?: boolean;
}

/** RFC 4180 records: cells split on commas, `"…"` quoting with `""` for a quote; blank lines skipped. */
export function csvRecords(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let start = 1;
  const source = text.replace(/^\uFEFF/, "");
  for (let i = 0; i < source.length; i++) {
    const ch = source[i] as string;
    if (quoted) {
      if (ch === '"' && source[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === "\n" || (ch === "\r" && source[i + 1] !== "\n")) line++;
        cell += ch;
      }
    } else if (ch === '"' && cell.trim() === "") {
      quoted = true;
      cell = "";
    } else if (ch === ",") {
      cells.push(cell);
      cell = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && source[i + 1] === "\n") i++;
      records.push({ line: start, cells: [...cells, cell] });
      cells = [];
      cell = "";
      line++;
      start = line;
    } else cell += ch;
  }
  if (cell !== "" || cells.length > 0 || quoted) {
    records.push({ line: start, cells: [...cells, cell], ...(quoted ? { unterminated: true } : {}) });
  }
  return records.filter((r) => r.unterminated || r.cells.length > 1 || (r.cells[0] ?? "").trim() !== "");
}

const headerName = (cell: string) => cell.trim().toLowerCase();

/** Whether a line reads as a CSV header naming a key column. */
export function isCsvHeader(firstLine: string): boolean {
  const names = (csvRecords(firstLine)[0]?.cells ?? []).map(headerName);
  return names.length > 1 && (names.includes("key") || names.includes("secret"));
}

export function readCsv(text: string, into: EntryCollector): void {
  const [header, ...rows] = csvRecords(text);
  const names = (header?.cells ?? []).map(headerName);
  const keyColumn = names.findIndex((n) => n === "key" || n === "secret");
  if (keyColumn < 0) {
    throw errors.badRequest("The CSV's first row must be a header naming a `key` column.", "data");
  }
  const balanceColumn = names.indexOf("balance");
  for (const row of rows) {
    const at = { line: row.line };
    if (row.unterminated) into.reject(at, "a quoted cell is never closed");
    else if (row.cells.length !== names.length) {
      into.reject(at, `${row.cells.length} cells, the header has ${names.length}`);
    } else into.add(at, row.cells[keyColumn], balanceColumn >= 0 ? row.cells[balanceColumn] : undefined);
  }
}
