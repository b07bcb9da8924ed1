/**
 * The durable request log's storage contract: optional (`Storage.requestLog`). A gateway whose
 * storage has one writes every request record there in batches, in the background, and serves
 * the Logs page from it — so every instance sharing the storage sees every instance's requests.
 * Without one, the log is each instance's in-memory ring buffer only.
 *
 * Records hold no secret: keys are masked and tokens named by id and name before a record exists.
 */

/** One attempt with a pool key. */
export interface StoredAttempt {
  keyId: string;
  keyMasked: string;
  /** How the attempt failed; absent when the key answered. */
  failure?: "client_error" | "key_invalid" | "key_exhausted" | "rate_limited" | "upstream_error";
  /** The upstream's status, when it answered. */
  status?: number;
  /** From sending to the first byte or the failure. */
  ms: number;
  /** From the request's arrival to sending this attempt; absent in records made before it existed. */
  startMs?: number;
}

/** One proxied request, as the gateway's request log records it. */
export interface StoredRequest {
  /**
   * `req-` and lowercase base-36: unique across instances, and ordered — a larger id finished
   * later (to the millisecond; ties between instances order arbitrarily but stably).
   */
  id: string;
  /** Epoch ms the request arrived. */
  at: number;
  /** The id of the instance that served it. */
  instance: string;
  token: { id: string; name: string } | null;
  provider: string;
  surface: string;
  model: string | null;
  keyId: string | null;
  keyMasked: string | null;
  attempts: StoredAttempt[];
  status: number;
  ttfbMs: number | null;
  durationMs: number;
  streamed: boolean;
  tokensIn: number | null;
  tokensOut: number | null;
  bytes: number | null;
  error: string | null;
  /** The bodies' first bytes as text, masked: only when sampling is on for the token or model. */
  sample?: { request: string | null; response: string | null; truncated: boolean };
}

/** Which records a query wants; every field narrows. */
export interface RequestFilter {
  /** `at` ≥ since. */
  since?: number;
  /** `at` < until. */
  until?: number;
  /** The client token's id. */
  token?: string;
  provider?: string;
  model?: string;
  /** Requests this key served or any attempt tried. */
  key?: string;
  /** Inclusive status range. */
  status?: { min: number; max: number };
  /** Only status ≥ 400. */
  failed?: boolean;
  /** Only `durationMs` ≥ this. */
  slowMs?: number;
}

export interface RequestLogQuery {
  filter: RequestFilter;
  /** 1–1000. */
  limit: number;
  /** Continue after this id (older records only): the previous page's `next`. */
  cursor?: string;
}

export interface RequestLogPage {
  /** Newest first (descending id). */
  items: StoredRequest[];
  /** The last item's id when more may follow; absent on the last page. */
  next?: string;
}

export interface RequestLogRetention {
  /** Keep about this many of the newest records (a store may keep up to one more batch). */
  maxRecords?: number;
  /** Drop records whose `at` is older than this epoch ms. */
  before?: number;
}

export interface RequestLogStore {
  /**
   * Stores one batch (the records one instance gathered, in any order). Batches are immutable
   * once written; a failed append may be retried with the same records without duplicating them.
   */
  append(records: StoredRequest[]): Promise<void>;
  /** Matching records of every instance, newest first, one page at a time. */
  query(query: RequestLogQuery): Promise<RequestLogPage>;
  get(id: string): Promise<StoredRequest | null>;
  /** Applies a retention; returns how many records went. */
  prune(retention: RequestLogRetention): Promise<number>;
}

/** Whether a record matches a filter: the one definition every store and the ring buffer use. */
export function matchesRequestFilter(record: StoredRequest, filter: RequestFilter): boolean {
  if (filter.since !== undefined && record.at < filter.since) return false;
  if (filter.until !== undefined && record.at >= filter.until) return false;
  if (filter.token !== undefined && record.token?.id !== filter.token) return false;
  if (filter.provider !== undefined && record.provider !== filter.provider) return false;
  if (filter.model !== undefined && record.model !== filter.model) return false;
  if (filter.status && (record.status < filter.status.min || record.status > filter.status.max)) return false;
  if (filter.failed && record.status < 400) return false;
  if (filter.slowMs !== undefined && record.durationMs < filter.slowMs) return false;
  if (filter.key !== undefined && record.keyId !== filter.key && !record.attempts.some((a) => a.keyId === filter.key)) {
    return false;
  }
  return true;
}

/** A request id's pattern: `req-` and 14–24 base-36 digits. */
export const REQUEST_ID_PATTERN = /^req-[0-9a-z]{14,24}$/;
