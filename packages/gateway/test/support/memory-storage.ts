/**
 * A memory storage for the gateway's own tests: the Storage contract on plain Maps, with no
 * dependency on `@keyhive/storage` (which depends on the gateway). `memory-storage.test.ts`
 * runs the shared conformance suite against it, so tests built on it test the real contract.
 */
import {
  assertRecordName,
  type HistoryEntry,
  type HistoryStore,
  type SettingsStore,
  STORAGE_SPECIFICATION_VERSION,
  type Storage,
  type TokenRecord,
  type TokenStore,
  type UsageCounters,
  type UsageRow,
  type UsageStore,
} from "../../src/spec/storage.js";
import { copyOf, createMemoryKeyStore } from "./memory-keys.js";
import { memoryRequestLog } from "./memory-request-log.js";

export interface MemoryStorageOptions {
  /** Clock, for feed expiry and history retention. @default Date.now */
  now?: () => number;
  /** How long change-feed entries are kept. @default 600000 */
  changeRetentionMs?: number;
  /** History older than this many days goes on append. @default 30 */
  historyRetentionDays?: number;
}

const DAY_MS = 86_400_000;

export function createMemoryStorage(options: MemoryStorageOptions = {}): Storage {
  const now = options.now ?? Date.now;
  let revision = 0;
  const bump = () => void revision++;
  return {
    specificationVersion: STORAGE_SPECIFICATION_VERSION,
    keys: createMemoryKeyStore(now, options.changeRetentionMs ?? 600_000),
    tokens: memoryTokens(bump),
    settings: memorySettings(bump),
    usage: memoryUsage(),
    history: memoryHistory(now, options.historyRetentionDays ?? 30),
    requestLog: memoryRequestLog(),
    async revision() {
      return String(revision);
    },
  };
}

function memoryTokens(bump: () => void): TokenStore {
  const tokens = new Map<string, TokenRecord>();
  const checked = (id: string) => {
    assertRecordName("token id", id);
    return id;
  };
  return {
    async get(id) {
      const token = tokens.get(checked(id));
      return token ? copyOf(token) : null;
    },
    async put(record) {
      tokens.set(checked(record.id), copyOf(record));
      bump();
    },
    async delete(id) {
      const existed = tokens.delete(checked(id));
      bump();
      return existed;
    },
    async list() {
      return [...tokens.values()].map(copyOf);
    },
  };
}

function memorySettings(bump: () => void): SettingsStore {
  const values = new Map<string, unknown>();
  const checked = (name: string) => {
    assertRecordName("setting name", name);
    return name;
  };
  return {
    async get<T>(name: string) {
      const value = values.get(checked(name));
      return (value === undefined ? undefined : copyOf(value)) as T | undefined;
    },
    async set(name, value) {
      values.set(checked(name), copyOf(value));
      bump();
    },
    async all() {
      return Object.fromEntries([...values].map(([name, value]) => [name, copyOf(value)]));
    },
    async delete(name) {
      values.delete(checked(name));
      bump();
    },
  };
}

/** One shard per (scope, day, id, instance): an instance overwrites its own cumulative counters. */
function memoryUsage(): UsageStore {
  const shards = new Map<string, { row: UsageRow; instanceId: string }>();
  return {
    async write(instanceId, rows) {
      for (const row of rows)
        shards.set(JSON.stringify([row.scope, row.day, row.id, instanceId]), { row: copyOf(row), instanceId });
    },
    async query({ scope, id, from, to }) {
      const sums = new Map<string, UsageRow>();
      for (const { row } of shards.values()) {
        if (row.scope !== scope || row.day < from || row.day > to || (id && row.id !== id)) continue;
        const key = `${row.day}:${row.id}`;
        const sum = sums.get(key) ?? { scope, id: row.id, day: row.day, counters: emptyCounters() };
        addCounters(sum.counters, row.counters);
        sums.set(key, sum);
      }
      return [...sums.values()].sort((a, b) => a.day.localeCompare(b.day) || a.id.localeCompare(b.id));
    },
  };
}

function memoryHistory(now: () => number, retentionDays: number): HistoryStore {
  let entries: HistoryEntry[] = [];
  const history: HistoryStore = {
    async append(list) {
      entries.push(...list.map(copyOf));
      if (retentionDays > 0) await history.prune(now() - retentionDays * DAY_MS);
    },
    async query({ since, until, kind, keyId }) {
      const end = until ?? now();
      return entries
        .filter((e) => e.at >= since && e.at <= end && (!kind || e.kind === kind) && (!keyId || e.keyId === keyId))
        .sort((a, b) => a.at - b.at)
        .map(copyOf);
    },
    async prune(before) {
      const kept = entries.filter((e) => e.at >= before);
      const removed = entries.length - kept.length;
      entries = kept;
      return removed;
    },
  };
  return history;
}

function emptyCounters(): UsageCounters {
  return { requests: 0, successes: 0, failures: {}, promptTokens: 0, completionTokens: 0 };
}

function addCounters(into: UsageCounters, from: UsageCounters): void {
  into.requests += from.requests;
  into.successes += from.successes;
  into.promptTokens += from.promptTokens;
  into.completionTokens += from.completionTokens;
  for (const [kind, n] of Object.entries(from.failures)) into.failures[kind] = (into.failures[kind] ?? 0) + n;
}
