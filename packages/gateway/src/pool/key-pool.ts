/**
 * The key pool: an in-memory snapshot of every key, grouped by provider, that answers
 * "which key next?" without touching storage. Health changes are applied in memory at once and
 * written behind; other instances' changes arrive through the storage's change feed, polled at
 * most every `refreshIntervalMs` (lazily, from requests, so it works on Workers too).
 */
import type { WaitUntil } from "../runtime/wait-until.js";
import type { FailureClass, KeyCheckResult, PoolKey } from "../spec/provider.js";
import type { HistoryEntry, KeyPatch, KeyRecord, Storage } from "../spec/storage.js";
import { redact } from "../util/mask.js";
import { defaultHealthPolicy, type HealthPolicy, onCheck, onFailure, onSuccess } from "./health.js";
import { ProviderKeys, type Selection } from "./provider-keys.js";
import { random, type SelectionStrategy } from "./strategies.js";
import { WriteBehind } from "./write-behind.js";

export interface KeyPoolOptions {
  storage: Storage;
  /** @default random() */
  strategy?: SelectionStrategy;
  policy?: Partial<HealthPolicy>;
  /** Free models per provider id: requests for them may use exhausted keys. */
  freeModels?: (providerId: string) => ReadonlySet<string> | undefined;
  /** Injected clock, for tests. @default Date.now */
  now?: () => number;
  /** How long health patches gather before they are written. @default 250 */
  writeDelayMs?: number;
  onError?: (error: unknown) => void;
  /** Told of every status transition as it happens (structured logs); never given a secret. */
  onStatusChange?: (entry: HistoryEntry) => void;
}

export type { WaitUntil } from "../runtime/wait-until.js";
export type { Selection } from "./provider-keys.js";

export interface SelectOptions {
  model?: string;
  /** Keys this request already tried. */
  exclude?: ReadonlySet<string>;
}

export class KeyPool {
  readonly policy: HealthPolicy;
  private readonly records = new Map<string, KeyRecord>();
  private readonly byProvider = new Map<string, ProviderKeys>();
  private readonly writer: WriteBehind;
  private readonly now: () => number;
  private strategy: SelectionStrategy;
  private changesCursor: string | undefined;
  private refreshing: Promise<void> | undefined;
  private loaded: Promise<void> | undefined;
  private historyBuffer: HistoryEntry[] = [];
  private lastHistoryFlushAt = 0;
  private readonly getRecord = (id: string) => this.records.get(id);
  /** Storage reads made by the pool (a benchmark figure). */
  storageReads = 0;

  constructor(private readonly options: KeyPoolOptions) {
    this.policy = { ...defaultHealthPolicy, ...options.policy };
    this.now = options.now ?? Date.now;
    this.strategy = options.strategy ?? random();
    this.writer = new WriteBehind({
      keys: options.storage.keys,
      delayMs: options.writeDelayMs,
      onError: options.onError,
    });
  }

  /** Storage writes issued by the pool's write-behind queue. */
  get storageWrites(): number {
    return this.writer.writes;
  }

  setStrategy(strategy: SelectionStrategy): void {
    this.strategy = strategy;
  }

  updatePolicy(policy: Partial<HealthPolicy>): void {
    Object.assign(this.policy, policy);
  }

  /** Loads every key once; later calls return the same promise. */
  ready(): Promise<void> {
    this.loaded ??= this.reload();
    return this.loaded;
  }

  /** Drops the snapshot and reads every key again, page by page. */
  async reload(): Promise<void> {
    const start = await this.options.storage.keys.changes();
    this.storageReads++;
    const fresh: KeyRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.options.storage.keys.list({ cursor, limit: 1000 });
      this.storageReads++;
      fresh.push(...page.items);
      cursor = page.cursor;
    } while (cursor);
    this.records.clear();
    this.byProvider.clear();
    for (const record of fresh) this.place(record);
    this.changesCursor = start.cursor;
  }

  /** Reads the change feed and applies it now. */
  refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        const { keys } = this.options.storage;
        const changes = await keys.changes(this.changesCursor);
        this.storageReads++;
        if (!changes.complete) return await this.reload();
        // Changed ids are read in batches: one round trip per 500 where the store has getMany
        // (MGET, `IN (…)`), otherwise 16 reads at a time, so a 10,000-key import applies in
        // well under a second instead of 10,000 sequential reads.
        const getMany = keys.getMany?.bind(keys);
        const size = getMany ? 500 : 16;
        for (let i = 0; i < changes.ids.length; i += size) {
          const ids = changes.ids.slice(i, i + size);
          const records = getMany ? await getMany(ids) : await Promise.all(ids.map((id) => keys.get(id)));
          this.storageReads += getMany ? 1 : ids.length;
          ids.forEach((id, j) => {
            const record = records[j];
            if (record) this.place(this.withPendingPatch(record));
            else this.forget(id);
          });
        }
        this.changesCursor = changes.cursor;
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  /** Picks a key for a request, or says why there is none. No storage access. */
  select(providerId: string, options: SelectOptions = {}): Selection {
    const group = this.byProvider.get(providerId);
    if (!group) return { ok: false, reason: "empty" };
    const now = this.now();
    group.releaseCooled(now, this.getRecord);
    const { model, exclude } = options;
    const free = model !== undefined && (this.options.freeModels?.(providerId)?.has(model) ?? false);
    const list = free ? group.servingOrExhausted : group.serving;
    const usable = (record: KeyRecord) =>
      !exclude?.has(record.id) && !(model && (record.modelCooldowns?.[model] ?? 0) > now);
    const key = this.strategy(list, usable);
    if (key) return { ok: true, key };
    return group.explainEmpty(list.items, now, model, exclude);
  }

  /** Every key of a provider (for re-checks and listings); a snapshot, not live. */
  keysOf(providerId?: string): KeyRecord[] {
    const all = [...this.records.values()];
    return providerId ? all.filter((r) => r.provider === providerId) : all;
  }

  get(id: string): KeyRecord | undefined {
    return this.records.get(id);
  }

  get size(): number {
    return this.records.size;
  }

  /** Counts by status, for gauges. */
  countByStatus(): Record<string, number> {
    const counts: Record<string, number> = { active: 0, cooling: 0, invalid: 0, exhausted: 0, disabled: 0 };
    for (const record of this.records.values()) counts[record.status] = (counts[record.status] ?? 0) + 1;
    return counts;
  }

  /** Adds or replaces keys in the snapshot (after the admin API wrote them). */
  upsertLocal(records: KeyRecord[]): void {
    for (const record of records) this.place(record);
  }

  forget(id: string): void {
    const record = this.records.get(id);
    if (!record) return;
    this.records.delete(id);
    this.byProvider.get(record.provider)?.remove(id);
  }

  reportSuccess(id: string): void {
    const record = this.records.get(id);
    if (!record) return;
    record.lastUsedAt = this.now();
    const patch = onSuccess(record, this.now());
    if (patch) this.apply(record, patch);
  }

  /** Applies a failure's consequence to the key; returns the new status. */
  reportFailure(id: string, cls: FailureClass, model?: string): KeyRecord["status"] | undefined {
    const record = this.records.get(id);
    if (!record) return undefined;
    record.lastUsedAt = this.now();
    // Upstreams sometimes echo the key in their message: what is recorded is always masked.
    const masked = { ...cls, message: redact(cls.message, [record.secret]) };
    const patch = onFailure(record, masked, this.now(), this.policy, model);
    if (patch) this.apply(record, patch);
    return record.status;
  }

  /** Applies a key check's result (used by re-checks and the admin API). */
  reportCheck(id: string, result: KeyCheckResult): KeyRecord | undefined {
    const record = this.records.get(id);
    if (!record) return undefined;
    const masked =
      "message" in result && result.message ? { ...result, message: redact(result.message, [record.secret]) } : result;
    this.apply(record, onCheck(record, masked as KeyCheckResult, this.now(), this.policy));
    if (result.status !== "error" && result.status !== "invalid" && result.balance !== undefined) {
      this.historyBuffer.push({ at: this.now(), kind: "balance", keyId: id, data: { balance: result.balance } });
    }
    return record;
  }

  /** Manual enable/disable and other admin edits, applied in memory and written behind. */
  patch(id: string, patch: KeyPatch): KeyRecord | undefined {
    const record = this.records.get(id);
    if (!record) return undefined;
    this.apply(record, { ...patch, updatedAt: this.now() });
    return record;
  }

  /** History gathered but not yet written (a key's timeline shows it before the next flush). */
  get pendingHistory(): readonly HistoryEntry[] {
    return this.historyBuffer;
  }

  /** History entries (status transitions, balances) gathered since the last call. */
  drainHistory(): HistoryEntry[] {
    const out = this.historyBuffer;
    this.historyBuffer = [];
    return out;
  }

  /** Health patches waiting to be written. */
  get pendingWrites(): number {
    return this.writer.size;
  }

  flushWrites = (): Promise<void> => this.writer.flush();

  /** Writes gathered history in the background once enough has gathered or time has passed. */
  maybeFlushHistory(waitUntil?: WaitUntil): void {
    if (this.historyBuffer.length === 0) return;
    if (this.historyBuffer.length < 100 && this.now() - this.lastHistoryFlushAt < 30_000) return;
    this.lastHistoryFlushAt = this.now();
    const entries = this.drainHistory();
    const run = this.options.storage.history.append(entries).catch((error) => this.options.onError?.(error));
    waitUntil?.(run);
  }

  /** Writes every queued change now (tests, shutdown, end of a Worker invocation). */
  async flush(): Promise<void> {
    await this.writer.flush();
    const history = this.drainHistory();
    if (history.length > 0) await this.options.storage.history.append(history);
  }

  toPoolKey(record: KeyRecord): PoolKey {
    return { id: record.id, secret: record.secret, baseURL: record.baseURL };
  }

  private apply(record: KeyRecord, patch: KeyPatch): void {
    const before = record.status;
    Object.assign(record, patch);
    if (before !== record.status) {
      const entry: HistoryEntry = {
        at: this.now(),
        kind: "status",
        keyId: record.id,
        data: { from: before, to: record.status, reason: record.statusReason },
      };
      this.historyBuffer.push(entry);
      this.options.onStatusChange?.(entry);
    }
    this.place(record);
    this.writer.enqueue(record.id, patch);
  }

  private withPendingPatch(record: KeyRecord): KeyRecord {
    const pending = this.writer.pendingFor(record.id);
    return pending ? { ...record, ...pending } : record;
  }

  private place(record: KeyRecord): void {
    const existing = this.records.get(record.id);
    if (existing && existing !== record) Object.assign(existing, record);
    const live = existing ?? record;
    this.records.set(live.id, live);
    let group = this.byProvider.get(live.provider);
    if (!group) {
      group = new ProviderKeys();
      this.byProvider.set(live.provider, group);
    }
    group.place(live, this.now());
  }
}
