/**
 * Reading a key dump for `POST /admin/api/keys/import`: Keyhive's own exports (a list with any of
 * the export's separators, `key|balance`, CSV, JSON) and the seed tools' stored data (the KV
 * value, the D1 `keys` table). Pure: text in, distinct keys and rejected lines out. A malformed
 * line or item is rejected on its own; the rest still imports.
 */
import { isCsvHeader, readCsv } from "./import-csv.js";
import { EntryCollector, type ImportEntries, numberedLines } from "./import-entries.js";
import { readJsonDump } from "./import-json.js";

export type { ImportEntries, ImportedKey, ImportReject } from "./import-entries.js";

export const IMPORT_FORMATS = ["auto", "lines", "key-balance", "csv", "json", "seed-kv", "seed-d1"] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];
export type ReadFormat = Exclude<ImportFormat, "auto">;
export const READ_FORMATS = IMPORT_FORMATS.filter((f): f is ReadFormat => f !== "auto");

export interface ParsedImport extends ImportEntries {
  /** The format the text was read as (what `auto` detected). */
  format: ReadFormat;
}

/** The export's separators: newline, comma, space, semicolon, tab. */
const SEPARATORS = /[\s,;]+/;

function readLines(text: string, into: EntryCollector, withBalance: boolean): void {
  for (const { line, text: content } of numberedLines(text)) {
    for (const item of content.split(SEPARATORS).filter(Boolean)) {
      const parts = withBalance ? item.split("|") : [item];
      if (parts.length > 2) into.reject({ line }, "more than one '|' in a `key|balance` item");
      else into.add({ line }, parts[0], parts[1]);
    }
  }
}

const looksLikeJson = (text: string) => /^\uFEFF?\s*[[{]/.test(text);

/** What `auto` reads a non-JSON text as: CSV with a key header, `key|balance`, or a plain list. */
function detectText(text: string): "csv" | "key-balance" | "lines" {
  const lines = numberedLines(text).filter((l) => l.text.trim() !== "");
  if (lines[0] && isCsvHeader(lines[0].text)) return "csv";
  return lines.some((l) => l.text.includes("|")) ? "key-balance" : "lines";
}

export function parseImport(text: string, format: ImportFormat = "auto"): ParsedImport {
  const into = new EntryCollector();
  let read: ReadFormat;
  if (format === "json" || format === "seed-kv" || (format !== "lines" && looksLikeJson(text))) {
    const shape = readJsonDump(text, into);
    read = format === "auto" ? shape : format;
  } else {
    // The seed D1 table also comes as a CSV rows export.
    read = format === "auto" ? detectText(text) : format;
    if (read === "csv" || read === "seed-d1") readCsv(text, into);
    else readLines(text, into, read === "key-balance");
  }
  return { format: read, ...into.result() };
}
