import { randomBytes } from "node:crypto";
import { promises as fsp } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { Storage } from "@keyhive/gateway";
import { createStorage, defineDriver } from "unstorage";
import { createUnstorageStorage, type UnstorageStorageOptions } from "./unstorage-storage.js";

export interface FsStorageOptions extends UnstorageStorageOptions {
  /** Directory that holds the data; created (mode 0700) when missing. */
  dir: string;
}

/** Owner-only: records hold upstream keys (plaintext unless `withEncryption` is used). */
export const FS_FILE_MODE = 0o600;
export const FS_DIR_MODE = 0o700;

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

/** Temporary files are dot-files (`.<name>.<pid>-<n>-<nonce>.tmp`): listings skip them. */
const isTemporary = (name: string) => name.startsWith(".");

const fsDriver = defineDriver((opts: { base: string }) => {
  const base = resolve(opts.base);
  const nonce = randomBytes(4).toString("hex");
  const path = (key: string) => {
    const parts = key.split(":").filter(Boolean);
    // Record names are checked before they get here; this guards the driver on its own.
    if (parts.some((p) => p === ".." || p === "." || p.includes("\0")))
      throw new Error(`[keyhive-fs] refusing key ${JSON.stringify(key)}`);
    return join(base, ...parts);
  };
  const missing = (error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR";
  };

  async function ensureDir(dir: string): Promise<void> {
    try {
      await fsp.mkdir(dir, { mode: FS_DIR_MODE });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EEXIST") return; // existing directories keep their mode
      if (code !== "ENOENT") throw error;
      await ensureDir(dirname(dir));
      await ensureDir(dir);
      return;
    }
    // mkdir's mode is filtered by the umask; set it exactly.
    await fsp.chmod(dir, FS_DIR_MODE);
  }

  let writes = 0;
  async function writeAtomic(file: string, value: string): Promise<void> {
    const dir = dirname(file);
    await ensureDir(dir);
    // Unique per process and write; `wx` fails rather than share a file with another writer.
    const tmp = join(dir, `.${basename(file)}.${process.pid}-${(writes++).toString(36)}-${nonce}.tmp`);
    // Created 0600 (a loose umask cannot widen it), then set exactly (a strict one cannot narrow
    // it). The rename replaces the record's file, so a rewrite never keeps an older mode.
    try {
      await fsp.writeFile(tmp, value, { encoding: "utf8", mode: FS_FILE_MODE, flag: "wx" });
      await fsp.chmod(tmp, FS_FILE_MODE);
      await fsp.rename(tmp, file);
    } catch (error) {
      // EEXIST: the name was someone else's file; leave it.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") await fsp.unlink(tmp).catch(() => {});
      throw error;
    }
  }

  async function list(dir: string, prefix: string, out: string[]): Promise<void> {
    let entries: import("node:fs").Dirent[];
    try {
      entries = await fsp.readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (missing(error)) return;
      throw error;
    }
    await Promise.all(
      entries.map(async (entry) => {
        if (isTemporary(entry.name)) return;
        if (entry.isDirectory()) await list(join(dir, entry.name), `${prefix}${entry.name}:`, out);
        else out.push(prefix + entry.name);
      }),
    );
  }

  return {
    name: "keyhive-fs",
    options: opts,
    async hasItem(key) {
      try {
        return (await fsp.stat(path(key))).isFile();
      } catch (error) {
        if (missing(error)) return false;
        throw error;
      }
    },
    async getItem(key) {
      try {
        return await fsp.readFile(path(key), "utf8");
      } catch (error) {
        // Only "no such record" is null; any other failure is an error, never a value.
        if (missing(error)) return null;
        throw error;
      }
    },
    async setItem(key, value) {
      await writeAtomic(path(key), value);
    },
    async removeItem(key) {
      await fsp.unlink(path(key)).catch((error) => {
        if (!missing(error)) throw error;
      });
    },
    async getKeys(prefix) {
      // List only the subtree under the prefix (unstorage filters the result by prefix anyway).
      const scope = (prefix ?? "").split(":").filter(Boolean).join(":");
      const out: string[] = [];
      await list(scope ? path(scope) : base, scope ? `${scope}:` : "", out);
      return out;
    },
    async clear(prefix) {
      const scope = (prefix ?? "").split(":").filter(Boolean).join(":");
      const dir = scope ? path(scope) : base;
      const entries = await fsp.readdir(dir).catch((error) => {
        if (missing(error)) return [] as string[];
        throw error;
      });
      await Promise.all(entries.map((name) => fsp.rm(join(dir, name), { recursive: true, force: true })));
    },
  };
});
