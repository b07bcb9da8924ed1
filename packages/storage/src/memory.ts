import type { Storage } from "@keyhive/gateway";
import { createStorage } from "unstorage";
import memoryDriver from "unstorage/drivers/memory";
import { createLocalCounters } from "./local-counters.js";
import { createUnstorageStorage, type UnstorageStorageOptions } from "./unstorage-storage.js";

/**
 * In-process storage: for tests and throwaway gateways. Nothing survives a restart. Its counters
 * are exact (one process by definition), so token limits and the login throttle are too.
 */
export function createMemoryStorage(options: UnstorageStorageOptions = {}): Storage {
  const counters = createLocalCounters({ now: options.now });
  return createUnstorageStorage(createStorage({ driver: memoryDriver() }), options, { counters });
}
