import { promises as fsp } from "node:fs";
import { join, resolve } from "node:path";
import type { Storage } from "@keyhive/gateway";
import { createStorage, defineDriver } from "unstorage";
import { createAtomicWriter, isMissing, listFiles } from "./fs-files.js";
import { createUnstorageStorage, type UnstorageStorageOptions } from "./unstorage-storage.js";

/** Owner-only: records hold upstream keys (plaintext unless `withEncryption` is used). */
export { FS_DIR_MODE, FS_FILE_MODE } from "./fs-files.js";

export interface FsStorageOptions extends UnstorageStorageOptions {
  /** Directory that holds the data; created (mode 0700) when missing. */
  dir: string;
}

/**
 * Filesystem storage, the embedded default: one small JSON file per record under `dir`.
 * Directories are created 0700 and files written 0600 whatever the umask; every write goes to
 * a temporary file (also 0600) that is renamed over the record, so readers never see half a file.
 */
export function createFsStorage(options: FsStorageOptions): Storage {
  return createUnstorageStorage(createStorage({ driver: fsDriver({ base: options.dir }) }), {
    base: "",
    ...options,
  });
}

/** A key's file: `a:b:c` is `<base>/a/b/c`. */
function fileOf(base: string, key: string): string {
  const parts = key.split(":").filter(Boolean);
  // Record names are checked before they get here; this guards the driver on its own.
  if (parts.some((p) => p === ".." || p === "." || p.includes("\0")))
    throw new Error(`[keyhive-fs] refusing key ${JSON.stringify(key)}`);
  return join(base, ...parts);
}

/** A key prefix without empty parts (`"keys:"` → `"keys"`), so it names a directory. */
const scopeOf = (prefix: string | undefined) => (prefix ?? "").split(":").filter(Boolean).join(":");

const fsDriver = defineDriver((opts: { base: string }) => {
  const base = resolve(opts.base);
  const path = (key: string) => fileOf(base, key);
  const writeAtomic = createAtomicWriter();
  return {
    name: "keyhive-fs",
    options: opts,
    async hasItem(key) {
      try {
        return (await fsp.stat(path(key))).isFile();
      } catch (error) {
        if (isMissing(error)) return false;
        throw error;
      }
    },
    async getItem(key) {
      try {
        return await fsp.readFile(path(key), "utf8");
      } catch (error) {
        // Only "no such record" is null; any other failure is an error, never a value.
        if (isMissing(error)) return null;
        throw error;
      }
    },
    async setItem(key, value) {
      await writeAtomic(path(key), value);
    },
    async removeItem(key) {
      await fsp.unlink(path(key)).catch((error) => {
        if (!isMissing(error)) throw error;
      });
    },
    async getKeys(prefix) {
      // List only the subtree under the prefix (unstorage filters the result by prefix anyway).
      const scope = scopeOf(prefix);
      const out: string[] = [];
      await listFiles(scope ? path(scope) : base, scope ? `${scope}:` : "", out);
      return out;
    },
    async clear(prefix) {
      const scope = scopeOf(prefix);
      const dir = scope ? path(scope) : base;
      const entries = await fsp.readdir(dir).catch((error) => {
        if (isMissing(error)) return [] as string[];
        throw error;
      });
      await Promise.all(entries.map((name) => fsp.rm(join(dir, name), { recursive: true, force: true })));
    },
  };
});
