/**
 * Writes request records to the storage's request log in batches, in the background: at most
 * one append per `flushMs` (or sooner once `batchSize` records wait), handed to the runtime's
 * `waitUntil` so a Worker stays alive for it. The proxy never waits on storage. A failed append
 * keeps its batch for a retry 5 flush intervals later (appends are idempotent); past `maxPending` records the
 * oldest are dropped and counted, so a storage outage cannot grow memory without bound.
 * Retention (count and age) is applied after a flush, at most once per `pruneEveryMs`.
 */
import type { WaitUntil } from "../runtime/wait-until.js";
import type { RequestLogStore, StoredRequest } from "../spec/request-log-store.js";

export interface DurableLogOptions {
  /** @default 1000 */
  flushMs?: number;
  /** Records per append. @default 500 */
  batchSize?: number;
  /** Records kept while the storage fails; older ones are dropped. @default 20000 */
  maxPending?: number;
  /** Keep about this many records in storage (every instance together). @default 100000 */
  maxRecords?: number;
  /** Drop records older than this. @default 7 */
  maxAgeDays?: number;
  /** @default 60000 */
  pruneEveryMs?: number;
}

export interface DurableLogDeps {
  store: RequestLogStore;
  now: () => number;
  onError: (error: unknown) => void;
  /** Waits `ms` (injectable so tests need no real timers). @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
}

const DAY_MS = 86_400_000;

export class DurableLogWriter {
  private pending: StoredRequest[] = [];
  private scheduled: Promise<void> | undefined;
  private flushing: Promise<void> | undefined;
  private lastPruneAt = 0;
  /** Records dropped because the storage kept failing (reported with the next error). */
  dropped = 0;
  private readonly flushMs: number;
  private readonly batchSize: number;
  private readonly maxPending: number;

  constructor(
    private readonly deps: DurableLogDeps,
    private readonly options: DurableLogOptions = {},
  ) {
    this.flushMs = options.flushMs ?? 1000;
    this.batchSize = options.batchSize ?? 500;
    this.maxPending = options.maxPending ?? 20_000;
    for (const [name, value] of Object.entries({ flushMs: this.flushMs, batchSize: this.batchSize })) {
      if (!Number.isInteger(value) || value < 1)
        throw new Error(`requestLog.${name} must be a positive integer, got ${value}.`);
    }
  }

  /** Records waiting to be written. */
  get size(): number {
    return this.pending.length;
  }

  add(record: StoredRequest, waitUntil?: WaitUntil): void {
    this.pending.push(record);
    if (this.pending.length > this.maxPending) {
      const over = this.pending.length - this.maxPending;
      this.pending.splice(0, over);
      this.dropped += over;
    }
    if (this.pending.length >= this.batchSize && !this.flushing) {
      waitUntil?.(this.flush());
      return;
    }
    this.schedule(this.flushMs, waitUntil);
  }

  private schedule(ms: number, waitUntil?: WaitUntil): void {
    if (this.scheduled) return;
    const sleep = this.deps.sleep ?? unrefSleep;
    this.scheduled = sleep(ms).then(() => {
      this.scheduled = undefined;
      return this.flush();
    });
    waitUntil?.(this.scheduled);
  }

  /** Writes everything pending now; never rejects (errors go to `onError`). */
  flush(): Promise<void> {
    this.flushing ??= this.writeAll().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async writeAll(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.slice(0, this.batchSize);
        await this.deps.store.append(batch);
        // Only now: a failed append leaves the batch in place for the next flush.
        this.pending.splice(0, batch.length);
      }
      await this.maybePrune();
    } catch (error) {
      const lost = this.dropped > 0 ? ` (${this.dropped} records dropped so far while it failed)` : "";
      this.deps.onError(new Error(`Writing the request log to storage failed${lost}.`, { cause: error }));
      // Retry without waiting for traffic, slower than the flush rate (an outage is not hammered).
      this.schedule(Math.min(30_000, this.flushMs * 5));
    }
  }

  private async maybePrune(): Promise<void> {
    const now = this.deps.now();
    if (now - this.lastPruneAt < (this.options.pruneEveryMs ?? 60_000)) return;
    this.lastPruneAt = now;
    await this.deps.store.prune({
      maxRecords: this.options.maxRecords ?? 100_000,
      before: now - (this.options.maxAgeDays ?? 7) * DAY_MS,
    });
  }
}

/** A timer that does not keep a Node process alive on its own (Workers and Bun ignore it). */
function unrefSleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms) as { unref?: () => void };
    timer.unref?.();
  });
}
