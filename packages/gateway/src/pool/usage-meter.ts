/**
 * Usage accounting per key and per client token, kept in memory and written as this instance's
 * cumulative daily shard on an interval — a handful of writes per interval however many
 * requests passed, and no read-modify-write, so replicas never lose each other's counts.
 */
import type { Storage, UsageCounters, UsageRow } from "../spec/storage.js";

export interface UsageEvent {
  keyId?: string;
  tokenId: string;
  ok: boolean;
  failures: readonly string[];
  promptTokens?: number;
  completionTokens?: number;
}

export class UsageMeter {
  private rows = new Map<string, UsageRow>();
  private dirty = new Set<string>();
  private lastFlushAt: number;
  private flushing: Promise<void> | undefined;
  writes = 0;
  private dayStart = Number.NEGATIVE_INFINITY;
  private day = "";

  constructor(
    private readonly storage: Storage,
    readonly instanceId: string,
    private readonly now: () => number = Date.now,
    private readonly intervalMs = 30_000,
  ) {
    this.lastFlushAt = now();
  }

  record(event: UsageEvent): void {
    const day = this.today();
    if (event.keyId) this.add("key", event.keyId, day, event);
    this.add("token", event.tokenId, day, event);
  }

  /** Today's counters of this instance (what it has not necessarily written yet). */
  local(scope: "key" | "token", id: string): UsageCounters | undefined {
    const day = this.today();
    return this.rows.get(`${scope}|${id}|${day}`)?.counters;
  }

  maybeFlush(waitUntil?: (p: Promise<unknown>) => void): void {
    if (this.flushing || this.dirty.size === 0 || this.now() - this.lastFlushAt < this.intervalMs) return;
    const run = this.flush().catch(() => {});
    waitUntil?.(run);
  }

  flush(): Promise<void> {
    this.flushing ??= (async () => {
      try {
        this.lastFlushAt = this.now();
        const keys = [...this.dirty];
        const rows = keys.map((k) => this.rows.get(k) as UsageRow);
        this.dirty.clear();
        if (rows.length === 0) return;
        this.writes += rows.length;
        try {
          await this.storage.usage.write(this.instanceId, rows);
        } catch (error) {
          // Counters are cumulative: the next flush writes them again, nothing is lost.
          for (const k of keys) this.dirty.add(k);
          throw error;
        }
        // Rows of past days are final once written: drop them from memory.
        const today = this.today();
        for (const [k, row] of this.rows) if (row.day !== today && !this.dirty.has(k)) this.rows.delete(k);
      } finally {
        this.flushing = undefined;
      }
    })();
    return this.flushing;
  }

  /** The UTC day of `now`, formatted once per day rather than once per request. */
  private today(): string {
    const at = this.now();
    if (at < this.dayStart || at >= this.dayStart + 86_400_000) {
      this.dayStart = at - (at % 86_400_000);
      this.day = new Date(this.dayStart).toISOString().slice(0, 10);
    }
    return this.day;
  }

  private add(scope: "key" | "token", id: string, day: string, event: UsageEvent): void {
    const k = `${scope}|${id}|${day}`;
    let row = this.rows.get(k);
    if (!row) {
      row = {
        scope,
        id,
        day,
        counters: { requests: 0, successes: 0, failures: {}, promptTokens: 0, completionTokens: 0 },
      };
      this.rows.set(k, row);
    }
    const c = row.counters;
    c.requests++;
    if (event.ok) c.successes++;
    for (const kind of event.failures) c.failures[kind] = (c.failures[kind] ?? 0) + 1;
    c.promptTokens += event.promptTokens ?? 0;
    c.completionTokens += event.completionTokens ?? 0;
    this.dirty.add(k);
  }
}
