/**
 * What the parts of the Storage conformance suite share: its options, the handle each part gets,
 * and helpers that build and read keys. Imports only vitest-free core modules (it runs in workerd).
 */
import { newKeyRecord } from "../pool/new-key.js";
import type { KeyRecord, Storage } from "../spec/storage.js";

export interface StorageCaseContext {
  /** The suite's clock; pass it to the storage so feed expiry and retention can be tested. */
  now: () => number;
}

export interface StorageCaseCapabilities {
  /** The factory honours `ctx.now`. Without it the clock-driven tests are skipped. @default true */
  clock?: boolean;
  /** Keys in the large-pool test. @default 100000 */
  largePoolSize?: number;
  /** Keys per `keys.add` call in the large-pool test (KV: ≤ 400 per Worker invocation). @default 1000 */
  importChunk?: number;
  /** Concurrent `keys.add` batches × keys per batch in the lost-writes test. @default [20, 500] */
  concurrentAdds?: [batches: number, size: number];
  /** Per-test timeout for the bulk tests, ms. @default 120000 */
  bulkTimeoutMs?: number;
  /** Keys in the crash-mid-write tests (`shared` only). @default 2000 */
  crashKeys?: number;
  /**
   * Driver writes the crashing writer may make before every later one fails, one test run each
   * (a random one is added). Pick points inside and between the storage's chunks of a bulk write.
   * @default [0, 1, 2, 300, 501, 502, 903, 2007]
   */
  crashPoints?: number[];
}

export interface SharedCaseContext extends StorageCaseContext {
  /**
   * Driver writes the writer makes successfully (setItem/removeItem, a KV put/delete, a D1
   * batch …); every later one throws, as a process killed there would write nothing more.
   * `Infinity` for a writer that never fails.
   */
  failAfter: number;
}

/** Two instances over one store: `writer` may crash mid-write, `reader` never fails. */
export interface SharedStorages {
  writer: Storage;
  reader: Storage;
  /** Called once the test is done with both. */
  close?: () => Promise<void> | void;
}

export interface StorageCaseOptions {
  name: string;
  /** A fresh, empty storage for each test. */
  create: (ctx: StorageCaseContext) => Promise<Storage> | Storage;
  cleanup?: (storage: Storage) => Promise<void> | void;
  capabilities?: StorageCaseCapabilities;
  /**
   * Two storages over the same fresh, empty data (see {@link SharedCaseContext}), for the
   * cross-instance tests: a write killed mid-way, a listing that reflects another instance's
   * write. Omit it and those tests are skipped.
   */
  shared?: (ctx: SharedCaseContext) => Promise<SharedStorages> | SharedStorages;
}

/** One day in ms. */
export const DAY = 86_400_000;

/** Builds `count` distinct key records for `provider` (secrets derive from `seed`). */
export async function makeKeys(provider: string, count: number, seed = "k", at = Date.now()): Promise<KeyRecord[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) => newKeyRecord({ provider, secret: `sk-${seed}-${i}-secret` }, at)),
  );
}

/** Reads every page of `keys.list`; fails on a repeated id. */
export async function listAll(storage: Storage, query: Parameters<Storage["keys"]["list"]>[0] = {}) {
  const items: KeyRecord[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await storage.keys.list({ ...query, cursor });
    items.push(...page.items);
    cursor = page.cursor;
    pages++;
  } while (cursor);
  return { items, pages };
}

/** Capabilities with their defaults applied. */
export type ResolvedCapabilities = Required<Omit<StorageCaseCapabilities, "concurrentAdds" | "crashPoints">> &
  Pick<StorageCaseCapabilities, "concurrentAdds" | "crashPoints">;

/** The handle each part of the suite gets from `testStorage`. */
export interface StorageSuite {
  name: string;
  caps: ResolvedCapabilities;
  /** A fresh storage (closed after the test), with the clock offset reset to 0. */
  open(): Promise<Storage>;
  /** The suite's clock, as passed to the storage. */
  now(): number;
  /** Moves the suite's clock `ms` ahead of the real one. */
  setClockOffset(ms: number): void;
  /** Two storages over one fresh store, when the implementation offers them. */
  shared?: (failAfter: number) => Promise<SharedStorages>;
}
