/**
 * Keeps one instance's in-memory view of shared state fresh without reading storage per
 * request: at most every `intervalMs` a request triggers (in the background) one revision read
 * and one change-feed read; tokens and settings reload only when the revision moved.
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

  maybeSync(waitUntil?: WaitUntil): void {
    if (this.running || this.now() - this.lastAt < this.intervalMs) return;
    const run = this.sync().catch(this.onError);
    waitUntil?.(run);
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
}
