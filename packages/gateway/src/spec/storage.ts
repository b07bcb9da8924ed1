/**
 * The Storage contract: domain-level persistence for keys, client tokens, settings, usage and
 * history. Every key is its own record — never one blob holding all keys — so concurrent writes
 * of different keys can never overwrite each other. `@keyhive/storage` implements it on any
 * `unstorage` driver.
 */

import type { RequestLogStore } from "./request-log-store.js";

export * from "./request-log-store.js";

export const STORAGE_SPECIFICATION_VERSION = "v1" as const;

/**
 * Key health. `active` keys serve traffic; `cooling` keys wait out a rate limit; `invalid` and
 * `exhausted` keys are re-checked on a schedule; `disabled` keys only change by hand.
 */
export type KeyStatus = "active" | "cooling" | "invalid" | "exhausted" | "disabled";

export interface KeyRecord {
  /** `<provider>-<first 20 hex chars of sha256(secret)>`: (provider, key hash) is the identity. */
  id: string;
  provider: string;
  secret: string;
  /** Full sha256 hex of the secret. */
  hash: string;
  baseURL?: string;
  tags: string[];
  /** Selection weight for the weighted strategy. @default 1 */
  weight: number;
  status: KeyStatus;
  /** Why the key is in its status (masked, human-readable). */
  statusReason?: string;
  statusChangedAt: number;
  /** Epoch ms until which a `cooling` key is skipped. */
  cooldownUntil?: number;
  /** Per-model cooldowns (epoch ms), for providers whose quota is per model. */
  modelCooldowns?: Record<string, number>;
  consecutiveFailures: number;
  /** Last known balance, in the provider's currency. Undefined when the provider has none. */
  balance?: number;
  balanceDetail?: Record<string, number>;
  addedAt: number;
  updatedAt: number;
  lastCheckedAt?: number;
  /** What the last check found; `error` means it could not complete (network, 5xx). */
  lastCheck?: "valid" | "exhausted" | "invalid" | "error";
  /** When the re-check schedule should look at this key next. */
  nextCheckAt?: number;
  lastUsedAt?: number;
  /** Last error, masked. */
  lastError?: string;
}

/** Fields a caller may change with {@link KeyStore.patch}. */
export type KeyPatch = Partial<Omit<KeyRecord, "id" | "provider" | "secret" | "hash" | "addedAt">>;

export interface KeyListQuery {
  provider?: string;
  /** Opaque cursor from the previous page; omit for the first page. */
  cursor?: string;
  /** Page size. @default 100 */
  limit?: number;
  /**
   * Only keys in this status (or any of these statuses). Optional for implementations: SQL ones
   * filter on an index; others filter while paging, so a page may hold fewer than `limit` items
   * even when `cursor` says more follow.
   */
  status?: KeyStatus | KeyStatus[];
}

export interface Page<T> {
  items: T[];
  /** Cursor of the next page; undefined when this was the last page. */
  cursor?: string;
}

export interface AddKeysResult {
  /** Ids that were new. */
  added: string[];
  /** Ids that already existed (same provider and key hash); left unchanged. */
  duplicates: string[];
}

export interface KeyChanges {
  /** Ids of keys written or deleted since the cursor. */
  ids: string[];
  /** Cursor to pass next time. */
  cursor: string;
  /** False when the feed no longer reaches back to the given cursor: reload everything. */
  complete: boolean;
}

export interface KeyStore {
  get(id: string): Promise<KeyRecord | null>;
  /** Idempotent insert on (provider, hash): existing ids are reported as duplicates. */
  add(records: KeyRecord[]): Promise<AddKeysResult>;
  /** Replace a record wholesale. */
  put(record: KeyRecord): Promise<void>;
  /** Merge `patch` into the record; returns the result, or null when the key does not exist. */
  patch(id: string, patch: KeyPatch): Promise<KeyRecord | null>;
  /** Returns how many of `ids` existed. */
  delete(ids: string[]): Promise<number>;
  /** Stable order (by id), complete across pages. */
  list(query?: KeyListQuery): Promise<Page<KeyRecord>>;
  count(provider?: string): Promise<number>;
  /**
   * Change feed that lets several gateway instances converge without reloading everything.
   * Crash-safe: a write interrupted at any point (process killed mid-bulk) still reaches every
   * reader's feed, so readers converge on what storage holds.
   */
  changes(cursor?: string): Promise<KeyChanges>;
  /** Reads several records in one round trip where the driver can (MGET); null for missing ids. */
  getMany?(ids: string[]): Promise<(KeyRecord | null)[]>;
}

export interface TokenRecord {
  id: string;
  name: string;
  /** sha256 hex of the token secret: the secret itself is never stored. */
  hash: string;
  /** A masked hint such as `kh-ab…yz` for lists. */
  hint: string;
  createdAt: number;
  expiresAt?: number;
  revokedAt?: number;
  /** Allowed models (exact ids); undefined = all. */
  models?: string[];
  /** Allowed provider ids; undefined = all. */
  providers?: string[];
  /** Requests per minute. */
  rpm?: number;
  dailyRequests?: number;
  dailyTokens?: number;
}

export interface TokenStore {
  get(id: string): Promise<TokenRecord | null>;
  put(record: TokenRecord): Promise<void>;
  delete(id: string): Promise<boolean>;
  list(): Promise<TokenRecord[]>;
}

/** Named JSON values (settings, the admin password hash, …). Each name is its own record. */
export interface SettingsStore {
  get<T = unknown>(name: string): Promise<T | undefined>;
  set(name: string, value: unknown): Promise<void>;
  all(): Promise<Record<string, unknown>>;
  /**
   * Removes a record (moving the revision like `set`). Optional: without it the gateway never
   * prunes what it wrote (finished bulk-job records stay; they are a few hundred bytes each).
   */
  delete?(name: string): Promise<void>;
}

export interface UsageCounters {
  requests: number;
  successes: number;
  /** Failures by class (`key_invalid`, `rate_limited`, …). */
  failures: Record<string, number>;
  promptTokens: number;
  completionTokens: number;
}

export interface UsageRow {
  scope: "key" | "token";
  id: string;
  /** UTC day `YYYY-MM-DD`. */
  day: string;
  counters: UsageCounters;
}

/**
 * Usage is sharded per gateway instance: each instance overwrites its own cumulative counters
 * for the day, so no read-modify-write is ever needed and replicas never lose increments.
 */
export interface UsageStore {
  write(instanceId: string, rows: UsageRow[]): Promise<void>;
  /** Sums shards; `from`/`to` are inclusive UTC days. */
  query(query: { scope: "key" | "token"; id?: string; from: string; to: string }): Promise<UsageRow[]>;
}

export interface HistoryEntry {
  at: number;
  kind: "balance" | "status" | "pool";
  keyId?: string;
  data: Record<string, unknown>;
}

export interface HistoryStore {
  append(entries: HistoryEntry[]): Promise<void>;
  query(query: { since: number; until?: number; kind?: HistoryEntry["kind"]; keyId?: string }): Promise<HistoryEntry[]>;
  /** Deletes entries older than `before`; returns how many went. */
  prune(before: number): Promise<number>;
}

/** What {@link CounterStore.increment} did. */
export interface CounterResult {
  /** False when adding `amount` would have taken the counter above `limit`: nothing was added. */
  applied: boolean;
  /** The counter's value after the call. */
  value: number;
}

/**
 * Counters every instance sharing the storage sees as one (Redis: a Lua script; a Durable
 * Object: its single thread). The gateway uses them for token rpm and daily quotas and for the
 * login throttle, so those limits hold across instances. A storage without them leaves limits
 * per instance (see the storage README's consistency table for the resulting bound).
 */
export interface CounterStore {
  /**
   * Atomically adds `amount` (may be negative, to give a reservation back) unless `limit` is set
   * and the new value would exceed it. The counter expires `ttlMs` after its first increment.
   * Names are the gateway's own (`rpm.<token>.<minute>`…), at most 300 characters.
   */
  increment(name: string, amount: number, options: { ttlMs: number; limit?: number }): Promise<CounterResult>;
  /** The current value (0 when absent or expired). */
  get(name: string): Promise<number>;
}

export interface Storage {
  readonly specificationVersion: typeof STORAGE_SPECIFICATION_VERSION;
  readonly keys: KeyStore;
  readonly tokens: TokenStore;
  readonly settings: SettingsStore;
  readonly usage: UsageStore;
  readonly history: HistoryStore;
  /** The durable request log (`spec/request-log-store.ts`); absent: each instance's ring only. */
  readonly requestLog?: RequestLogStore;
  /**
   * A value that changes whenever tokens or settings change: one cheap read lets an instance
   * know whether its in-memory snapshot is stale.
   */
  revision(): Promise<string>;
  /** Shared atomic counters; absent when the store has no atomic operation. */
  readonly counters?: CounterStore;
  /**
   * Calls `listener` soon after any instance changed keys, tokens or settings (Redis: pub/sub),
   * so instances converge in milliseconds instead of one refresh interval. Absent when the store
   * cannot notify; instances then poll. Returns a function that stops watching.
   */
  watch?(listener: () => void): () => void;
  close?(): Promise<void>;
}

/**
 * Record names — key ids, token ids and setting names — are 1–256 characters of `A–Z a–z 0–9 . _ -`
 * and never start with `.`: safe as a file name, a Redis key part or a KV key on every driver
 * (no separators, no `..`, no NUL, no `?`). Storages refuse any other name with
 * {@link InvalidRecordNameError} before touching the driver.
 */
export const RECORD_NAME_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,255}$/;

export type RecordKind = "key id" | "token id" | "setting name";

export function isRecordName(name: unknown): name is string {
  return typeof name === "string" && RECORD_NAME_PATTERN.test(name);
}

const INVALID_RECORD_NAME = Symbol.for("keyhive.InvalidRecordNameError");

/** Thrown by a storage for an unsafe record name; the gateway answers it with a 400. */
export class InvalidRecordNameError extends Error {
  readonly [INVALID_RECORD_NAME] = true;
  readonly kind: RecordKind;
  readonly recordName: string;

  constructor(kind: RecordKind, recordName: string) {
    const shown = recordName.length > 80 ? `${recordName.slice(0, 80)}…` : recordName;
    super(
      `Invalid ${kind} ${JSON.stringify(shown)}: record names are 1–256 characters of letters, digits, ` +
        "'.', '_' and '-', not starting with '.'.",
    );
    this.name = "InvalidRecordNameError";
    this.kind = kind;
    this.recordName = recordName;
  }

  /** Works across copies of this package (a marker, not `instanceof`). */
  static isInstance(error: unknown): error is InvalidRecordNameError {
    return typeof error === "object" && error !== null && INVALID_RECORD_NAME in error;
  }
}

export function assertRecordName(kind: RecordKind, name: string): void {
  if (!isRecordName(name)) throw new InvalidRecordNameError(kind, String(name));
}

/**
 * Settings records that are credentials: the session-signing secret, the admin password hash,
 * admin token digests, session epochs (every `auth.*` record) and the guest password hash.
 * Backups leave them out unless asked, and `withEncryption` seals their values.
 */
export function isAuthRecord(name: string): boolean {
  return name.startsWith("auth.") || name === "setting.guestPasswordHash";
}
