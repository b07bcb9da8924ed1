/**
 * The request log's batches on a key-value store, as pure functions: how a batch is named, what
 * its index says, and whether a batch can hold a record a filter wants. A batch's name carries
 * its id range and record count (`<maxId>_<minId>_<count>`, ids without `req-`), so one listing
 * orders batches, bounds a cursor, finds an id and counts records for retention without reading
 * any batch; its index (a few hundred bytes) tells a filter which batches to skip unread.
 */
import type { RequestFilter, StoredRequest } from "@keyhive/gateway";

export interface BatchName {
  /** The store path. */
  path: string;
  /** The largest and smallest id in the batch, `req-` stripped. */
  max: string;
  min: string;
  count: number;
}

/** What a filter can rule out without reading a batch's records. */
export interface BatchIndex {
  minAt: number;
  maxAt: number;
  tokens: string[];
  providers: string[];
  models: string[];
  /** Keys that served or were tried. */
  keys: string[];
  minStatus: number;
  maxStatus: number;
  maxDurationMs: number;
  /**
   * The same sets over the failed records (status ≥ 400) only: "this token's failures" is the
   * common question, and without these a batch holding the token and some failure can't be skipped.
   */
  failed?: Pick<BatchIndex, "tokens" | "providers" | "models" | "keys">;
}

const ID_BODY = /^[0-9a-z]{14,24}$/;

export const idBody = (id: string) => id.slice(4);

/** The last segment of a store path; undefined when it is not a batch name. */
export function parseBatchName(path: string): BatchName | undefined {
  const name = path.slice(path.lastIndexOf(":") + 1);
  const [max, min, count] = name.split("_");
  if (!max || !min || !count || !ID_BODY.test(max) || !ID_BODY.test(min) || !/^\d+$/.test(count)) return undefined;
  return { path, max, min, count: Number(count) };
}

/** A batch's name (without the path): the same records always give the same name. */
export function batchNameOf(records: readonly StoredRequest[]): string {
  let max = "";
  let min = "";
  for (const record of records) {
    const body = idBody(record.id);
    if (max === "" || body > max) max = body;
    if (min === "" || body < min) min = body;
  }
  return `${max}_${min}_${records.length}`;
}

export function indexOf(records: readonly StoredRequest[]): BatchIndex {
  const failed = records.filter((r) => r.status >= 400);
  const index: BatchIndex = {
    minAt: Number.POSITIVE_INFINITY,
    maxAt: Number.NEGATIVE_INFINITY,
    ...valuesOf(records),
    minStatus: 999,
    maxStatus: 0,
    maxDurationMs: 0,
    ...(failed.length > 0 ? { failed: valuesOf(failed) } : {}),
  };
  for (const r of records) {
    index.minAt = Math.min(index.minAt, r.at);
    index.maxAt = Math.max(index.maxAt, r.at);
    index.minStatus = Math.min(index.minStatus, r.status);
    index.maxStatus = Math.max(index.maxStatus, r.status);
    index.maxDurationMs = Math.max(index.maxDurationMs, r.durationMs);
  }
  return index;
}

function valuesOf(records: readonly StoredRequest[]): Pick<BatchIndex, "tokens" | "providers" | "models" | "keys"> {
  const tokens = new Set<string>();
  const providers = new Set<string>();
  const models = new Set<string>();
  const keys = new Set<string>();
  for (const r of records) {
    if (r.token) tokens.add(r.token.id);
    providers.add(r.provider);
    if (r.model !== null) models.add(r.model);
    if (r.keyId !== null) keys.add(r.keyId);
    for (const attempt of r.attempts) keys.add(attempt.keyId);
  }
  return { tokens: [...tokens], providers: [...providers], models: [...models], keys: [...keys] };
}

/** False only when no record of the batch can match. */
export function mayMatch(index: BatchIndex, filter: RequestFilter): boolean {
  if (filter.since !== undefined && index.maxAt < filter.since) return false;
  if (filter.until !== undefined && index.minAt >= filter.until) return false;
  // Failed-only (or a 4xx/5xx status): the failed records' own sets, when the batch has any.
  const onlyFailed = filter.failed || (filter.status !== undefined && filter.status.min >= 400);
  const sets = onlyFailed ? index.failed : index;
  if (!sets) return false;
  if (filter.token !== undefined && !sets.tokens.includes(filter.token)) return false;
  if (filter.provider !== undefined && !sets.providers.includes(filter.provider)) return false;
  if (filter.model !== undefined && !sets.models.includes(filter.model)) return false;
  if (filter.key !== undefined && !sets.keys.includes(filter.key)) return false;
  if (filter.status && (index.maxStatus < filter.status.min || index.minStatus > filter.status.max)) return false;
  if (filter.failed && index.maxStatus < 400) return false;
  if (filter.slowMs !== undefined && index.maxDurationMs < filter.slowMs) return false;
  return true;
}

/** Epoch ms encoded in an id body (its first 9 base-36 digits): when the request finished. */
export const finishedAt = (body: string) => Number.parseInt(body.slice(0, 9), 36);

/** Newest first by id, each id once. */
export function newestFirstUnique(records: StoredRequest[]): StoredRequest[] {
  records.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  return records.filter((r, i) => i === 0 || records[i - 1]?.id !== r.id);
}
