/**
 * JSON dumps: Keyhive's export (an array of `{id, provider, key, balance, …}`), the output of
 * `wrangler d1 execute … --json` (an array of `{results: [rows], success, meta}`), a plain array
 * of D1 rows, and the seed KV value. The KV value's exact shape is not documented, so every
 * plausible one is read: an array of key strings, an array of objects with `key` (or `secret`)
 * and an optional `balance`, an object `{keys: [...]}`, or an object map key → balance or
 * key → `{balance, …}`.
 */
import { errors } from "../spec/errors.js";
import type { EntryCollector } from "./import-entries.js";

/** Which JSON dump it was, as the import reports it. */
export type JsonShape = "json" | "seed-kv" | "seed-d1";

type Row = Record<string, unknown>;
const isRow = (v: unknown): v is Row => typeof v === "object" && v !== null && !Array.isArray(v);

/** The rows of wrangler's `d1 execute --json` output (one result set per statement), if it is that. */
function d1Results(value: unknown): unknown[] | undefined {
  const sets = Array.isArray(value) ? value : [value];
  if (sets.length === 0 || !sets.every((s) => isRow(s) && Array.isArray(s.results))) return undefined;
  return sets.flatMap((s) => (s as { results: unknown[] }).results);
}

/** Keyhive's own export carries id and provider; D1 rows carry the seed table's date columns. */
function shapeOfArray(items: unknown[]): JsonShape {
  const rows = items.filter(isRow);
  if (rows.length > 0 && rows.every((r) => "id" in r && "provider" in r && "key" in r)) return "json";
  if (rows.some((r) => "last_updated" in r || "added" in r)) return "seed-d1";
  return "seed-kv";
}

function readItems(items: unknown[], into: EntryCollector): void {
  items.forEach((item, i) => {
    const at = { item: i + 1 };
    if (typeof item === "string") into.add(at, item);
    else if (isRow(item)) into.add(at, item.key ?? item.secret, item.balance);
    else into.reject(at, "expected a key string or an object with `key`");
  });
}

function readMap(map: Row, into: EntryCollector): void {
  Object.entries(map).forEach(([secret, value], i) => {
    const at = { item: i + 1 };
    if (isRow(value)) into.add(at, secret, value.balance);
    else if (value === null || typeof value === "number" || typeof value === "string") into.add(at, secret, value);
    else into.reject(at, "expected a balance or an object with `balance` as the value");
  });
}

/** Reads a JSON dump into `into`; the returned shape is what was found. */
export function readJsonDump(text: string, into: EntryCollector): JsonShape {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    throw errors.badRequest(`'data' is not valid JSON: ${error instanceof Error ? error.message : error}`, "data");
  }
  const d1 = d1Results(value);
  if (d1) {
    readItems(d1, into);
    return "seed-d1";
  }
  if (Array.isArray(value)) {
    readItems(value, into);
    return shapeOfArray(value);
  }
  if (isRow(value) && Array.isArray(value.keys)) {
    readItems(value.keys, into);
    return "seed-kv";
  }
  if (isRow(value)) {
    readMap(value, into);
    return "seed-kv";
  }
  throw errors.badRequest("JSON 'data' must be an array of keys or rows, or an object of key → balance.", "data");
}
