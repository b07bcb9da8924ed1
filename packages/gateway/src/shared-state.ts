/**
 * Keeps one instance's in-memory view of shared state fresh without reading storage per
 * request. A sync is one revision read and one change-feed read; tokens and settings reload only
 * when the revision moved. Three things trigger one:
 *
 * - `startBackground()` (Node, Bun): a timer every `intervalMs`, so an idle instance converges
 *   too, and the storage's `watch` (Redis pub/sub), so it usually converges in milliseconds.
 * - `freshen()` on each proxied request: when the last sync is older than `intervalMs` the
 *   request waits for one before it selects a key (Workers, where no timer outlives a request),
 *   so no request is ever served from a view older than the interval plus one sync.
 * - Admin requests (`syncIfStale`) and local writes (`sync`).
 */
import type { KeyPool, WaitUntil } from "./pool/key-pool.js";
import type { Storage } from "./spec/storage.js";

export class SharedStateSync {
  private lastAt = 0;
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private revision: string | undefined;
  /** Storage reads made by syncs (a benchmark figure). */
  reads = 0;

  constructor(
    private readonly storage: Storage,
    private readonly pool: KeyPool,
    private readonly onRevisionChange: () => Promise<void>,
    private readonly intervalMs: number,
    private readonly now: () => number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Call once at start, after the initial load. */
  markLoaded(revision: string): void {
    this.revision = revision;
    this.lastAt = this.now();
  }

  /**
   * Called before a request selects a key: returns a sync to wait for when the view is older
   * than the interval (the common case, a fresh view, costs one comparison and no promise). A
   * failed sync (storage down) is reported and the request goes on with the view it has.
   */
  freshen(waitUntil?: WaitUntil): Promise<void> | undefined {
    // A sync under way counts as stale: `lastAt` is its start, and a request arriving while it
    // runs must not be served from the view it is replacing (measured: 4 of 30 concurrent
    // requests on other isolates refused a token created a second earlier).
    if (!this.running && this.now() - this.lastAt < this.intervalMs) return undefined;
    const run = (this.running ?? this.sync()).catch(this.onError);
    waitUntil?.(run);
    return run;
  }

  /**
   * Keeps the view fresh with no traffic: a sync every `intervalMs` (an unref'd timer, so it
   * never keeps a process alive) and one on every change notification of the storage. Returns
   * the function that stops both. Not for Workers, where timers do not outlive a request.
   */
  startBackground(): () => void {
    const tick = () => {
      this.sync().catch(this.onError);
    };
    const timer = setInterval(tick, this.intervalMs) as { unref?: () => void };
    timer.unref?.();
    // A notification during a sync queues exactly one more (see `sync`), so bursts coalesce.
    const unwatch = this.storage.watch?.(tick);
    return () => {
      clearInterval(timer as Parameters<typeof clearInterval>[0]);
      unwatch?.();
    };
  }

  /**
   * Syncs and waits when the last sync is older than the interval (admin requests: a session
   * revoked on another instance must not outlive one interval here, even with no proxy traffic).
   */
  async syncIfStale(): Promise<void> {
    if (this.running) return this.running;
    if (this.now() - this.lastAt < this.intervalMs) return;
    await this.sync();
  }

  /**
   * Syncs now. Called while a sync runs (which may have read the revision before the caller's
   * own write), it runs one more afterwards, so the caller's change is always seen.
   */
  sync(): Promise<void> {
    if (this.running) {
      this.queued ??= this.running
        .catch(() => {})
        .then(() => {
          this.queued = undefined;
          return this.sync();
        });
      return this.queued;
    }
    this.running = (async () => {
      try {
        this.lastAt = this.now();
        const [revision] = await Promise.all([this.storage.revision(), this.pool.refresh()]);
        this.reads += 1;
        if (revision !== this.revision) {
          this.revision = revision;
          await this.onRevisionChange();
        }
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** When the last sync started (epoch ms), undefined before the first load. */
  get lastSyncAt(): number | undefined {
    return this.lastAt || undefined;
  }
}
