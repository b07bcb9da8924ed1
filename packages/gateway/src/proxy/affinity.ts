/**
 * Key affinity for stateful APIs. A response (or file, batch, vector store, upload) created with
 * key K lives in K's upstream account: every follow-up by its id must use K, or the upstream
 * answers 404. The gateway remembers which key created which id and pins follow-ups to it.
 *
 * The store is in memory, per instance: an LRU bounded by `maxEntries`, each record expiring
 * after `ttlMs`. Nothing is read from storage on the hot path, and nothing is written either —
 * so on a deployment of several instances a follow-up only finds its record on the instance that
 * proxied the creation (see the gateway README, "Responses API and key affinity"). The interface
 * is async so that a shared implementation can take its place without changing a caller.
 */

/** Which key created a resource. */
export interface AffinityRecord {
  /** Provider id the resource was created through. */
  provider: string;
  /** Pool key id that created it. */
  keyId: string;
  /** Epoch ms after which the record is forgotten. */
  expiresAt: number;
}

export interface AffinityStore {
  /** How long a record is kept, ms (for messages). */
  readonly ttlMs: number;
  /** Remembers that `keyId` of `provider` created `id`. */
  remember(id: string, provider: string, keyId: string): void;
  /** The record of `id`, or undefined when unknown or expired. */
  lookup(id: string): Promise<AffinityRecord | undefined>;
}

export interface MemoryAffinityOptions {
  /** How long a record is kept (OpenAI keeps stored responses 30 days). @default 2592000000 (30 days) */
  ttlMs?: number;
  /** Most records held; the least recently used goes first. @default 100000 */
  maxEntries?: number;
  /** @default Date.now */
  now?: () => number;
}

export const DEFAULT_AFFINITY_TTL_MS = 30 * 24 * 3600 * 1000;

/** The per-instance store: a `Map` in insertion order doubles as the LRU list. */
export class MemoryAffinity implements AffinityStore {
  private readonly records = new Map<string, AffinityRecord>();
  readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: MemoryAffinityOptions = {}) {
    this.ttlMs = options.ttlMs ?? DEFAULT_AFFINITY_TTL_MS;
    this.maxEntries = Math.max(1, options.maxEntries ?? 100_000);
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.records.size;
  }

  remember(id: string, provider: string, keyId: string): void {
    this.records.delete(id);
    this.records.set(id, { provider, keyId, expiresAt: this.now() + this.ttlMs });
    while (this.records.size > this.maxEntries) {
      const oldest = this.records.keys().next().value as string;
      this.records.delete(oldest);
    }
  }

  async lookup(id: string): Promise<AffinityRecord | undefined> {
    const record = this.records.get(id);
    if (!record) return undefined;
    this.records.delete(id);
    if (record.expiresAt <= this.now()) return undefined;
    this.records.set(id, record); // most recently used last
    return record;
  }
}
