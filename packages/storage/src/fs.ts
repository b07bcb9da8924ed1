import type { Storage } from "@keyhive/gateway";
import { createStorage } from "unstorage";
import fsLiteDriver from "unstorage/drivers/fs-lite";
import { createUnstorageStorage, type UnstorageStorageOptions } from "./unstorage-storage.js";

export interface FsStorageOptions extends UnstorageStorageOptions {
  /** Directory that holds the data; created when missing. */
  dir: string;
}

/**
 * Filesystem storage, the embedded default: one small JSON file per record under `dir`.
 * Uses unstorage's `fs-lite` driver (no file watcher, no extra dependencies).
 */
export function createFsStorage(options: FsStorageOptions): Storage {
  return createUnstorageStorage(createStorage({ driver: fsLiteDriver({ base: options.dir }) }), {
    base: "",
    ...options,
  });
}
