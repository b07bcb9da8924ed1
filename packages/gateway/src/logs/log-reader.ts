/**
 * What the log routes read: the storage's request log (every instance) merged with this
 * instance's ring buffer (its newest records, including those not yet written), or the ring
 * alone when the storage has no request log. Both sources are newest-first; a page takes the
 * top `limit` of each below the cursor, so their merge holds the true top `limit`.
 */
import type { RequestFilter, RequestLogStore, StoredRequest } from "../spec/request-log-store.js";
import type { LogPage, RequestLog } from "./request-log.js";
import type { RequestRecord } from "./request-record.js";

export type LogSource = "storage" | "ring";

export class LogReader {
  constructor(
    readonly ring: RequestLog,
    private readonly store?: RequestLogStore,
  ) {}

  get source(): LogSource {
    return this.store ? "storage" : "ring";
  }

  async page(filter: RequestFilter, limit: number, cursor?: string): Promise<LogPage> {
    const local = this.ring.page(filter, limit, cursor);
    if (!this.store) return local;
    const stored = await this.store.query({ filter, limit, cursor });
    const merged = mergeNewestFirst(local.items, stored.items);
    const more = merged.length > limit || local.next !== undefined || stored.next !== undefined;
    const items = merged.slice(0, limit) as RequestRecord[];
    return more && items.length > 0 ? { items, next: items.at(-1)?.id } : { items };
  }

  async get(id: string): Promise<RequestRecord | undefined> {
    const local = this.ring.get(id);
    if (local || !this.store) return local;
    return ((await this.store.get(id)) as RequestRecord | null) ?? undefined;
  }

  /** Every matching record, newest first, a page at a time, up to `max`. */
  async *matching(filter: RequestFilter, max: number): AsyncGenerator<RequestRecord> {
    let cursor: string | undefined;
    let seen = 0;
    while (seen < max) {
      const page = await this.page(filter, Math.min(1000, max - seen), cursor);
      for (const record of page.items) yield record;
      seen += page.items.length;
      if (!page.next) return;
      cursor = page.next;
    }
  }
}

/** Two newest-first lists as one, each id once. */
export function mergeNewestFirst(a: readonly StoredRequest[], b: readonly StoredRequest[]): StoredRequest[] {
  const out: StoredRequest[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x !== undefined && (y === undefined || x.id >= y.id)) {
      out.push(x);
      i++;
      if (y?.id === x.id) j++;
    } else if (y !== undefined) {
      out.push(y);
      j++;
    }
  }
  return out;
}
