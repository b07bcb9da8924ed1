import type { Storage } from "@keyhive/gateway";
import { createStorage } from "unstorage";
import memoryDriver from "unstorage/drivers/memory";
import { createUnstorageStorage, type UnstorageStorageOptions } from "./unstorage-storage.js";

/** In-process storage: for tests and throwaway gateways. Nothing survives a restart. */
export function createMemoryStorage(options: UnstorageStorageOptions = {}): Storage {
  return createUnstorageStorage(createStorage({ driver: memoryDriver() }), options);
}
