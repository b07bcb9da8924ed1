/**
 * The request log's in-memory ring buffer: the newest `ringSize` records of this instance, in
 * the order they finished (which is id order), plus the live tail's subscribers. Recording is
 * O(1) and synchronous — no storage, no serialisation — so the proxy never waits on it.
 */
import { matchesRequestFilter, type RequestFilter } from "../spec/request-log-store.js";
import type { DurableLogOptions } from "./durable-log.js";
import type { RequestRecord } from "./request-record.js";

export interface RequestLogOptions extends DurableLogOptions {
  /** How many records this instance's ring buffer keeps (the oldest go first). @default 5000 */
  ringSize?: number;
  /**
   * Also write records to the storage's request log when it has one, so the log survives
   * restarts and shows every instance. `false`: the ring buffer only. @default true
   */
  durable?: boolean;
}

export const DEFAULT_RING_SIZE = 5000;

export type RecordListener = (record: RequestRecord) => void;

export interface LogPage {
  items: RequestRecord[];
  next?: string;
}

export class RequestLog {
  private readonly ring: (RequestRecord | undefined)[];
  /** Where the next record goes. */
  private head = 0;
  private count = 0;
  private readonly listeners = new Set<RecordListener>();

  constructor(options: RequestLogOptions = {}) {
    const size = options.ringSize ?? DEFAULT_RING_SIZE;
    if (!Number.isInteger(size) || size < 1)
      throw new Error(`requestLog.ringSize must be a positive integer, got ${size}.`);
    this.ring = new Array(size);
  }

  get size(): number {
    return this.count;
  }

  /** Live tail subscribers. */
  get subscribers(): number {
    return this.listeners.size;
  }

  add(record: RequestRecord): void {
    this.ring[this.head] = record;
    this.head = (this.head + 1) % this.ring.length;
    if (this.count < this.ring.length) this.count++;
    for (const listener of this.listeners) listener(record);
  }

  /** Records in the live tail as they are added; returns the unsubscribe. */
  subscribe(listener: RecordListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The i-th newest record (0: the newest). */
  private nth(i: number): RequestRecord {
    return this.ring[(this.head - 1 - i + this.ring.length * 2) % this.ring.length] as RequestRecord;
  }

  /** How many records are newer than `id` or `id` itself: the index to continue after a cursor. */
  private indexAfter(id: string): number {
    // Ids grow with age order reversed: binary search over newest-first indices.
    let low = 0;
    let high = this.count;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.nth(mid).id >= id) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  get(id: string): RequestRecord | undefined {
    const i = this.indexAfter(id) - 1;
    if (i < 0) return undefined;
    const record = this.nth(i);
    return record.id === id ? record : undefined;
  }

  /** Newest first; `cursor` continues after that id (older ones). */
  *matching(filter: RequestFilter, cursor?: string): Generator<RequestRecord> {
    for (let i = cursor ? this.indexAfter(cursor) : 0; i < this.count; i++) {
      const record = this.nth(i);
      if (matchesRequestFilter(record, filter)) yield record;
    }
  }

  page(filter: RequestFilter, limit: number, cursor?: string): LogPage {
    const items: RequestRecord[] = [];
    for (const record of this.matching(filter, cursor)) {
      if (items.length === limit) return { items, next: items.at(-1)?.id };
      items.push(record);
    }
    return { items };
  }
}
