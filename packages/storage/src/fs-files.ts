/**
 * The file operations under the fs driver: owner-only directories, atomic writes and recursive
 * listings. Modes are set exactly, whatever the process umask, because records hold upstream
 * keys (plaintext unless `withEncryption` is used).
 */
import { randomBytes } from "node:crypto";
import { type Dirent, promises as fsp } from "node:fs";
import { basename, dirname, join } from "node:path";

export const FS_FILE_MODE = 0o600;
export const FS_DIR_MODE = 0o700;

/** "No such record": a missing file, or a path through (or at) something that is not a file. */
export function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR";
}

/** Temporary files are dot-files (`.<name>.<pid>-<n>-<nonce>.tmp`): listings skip them. */
const isTemporary = (name: string) => name.startsWith(".");

/** Creates `dir` and its missing parents, each 0700; existing directories keep their mode. */
export async function ensureDir(dir: string): Promise<void> {
  try {
    await fsp.mkdir(dir, { mode: FS_DIR_MODE });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return;
    if (code !== "ENOENT") throw error;
    await ensureDir(dirname(dir));
    await ensureDir(dir);
    return;
  }
  // mkdir's mode is filtered by the umask; set it exactly.
  await fsp.chmod(dir, FS_DIR_MODE);
}

/**
 * A writer that replaces a file atomically (temp file + rename), so readers never see half a
 * record. Temp names are unique per process (pid, nonce) and per write (counter).
 */
export function createAtomicWriter(): (file: string, value: string) => Promise<void> {
  const nonce = randomBytes(4).toString("hex");
  let writes = 0;
  return async (file, value) => {
    const dir = dirname(file);
    await ensureDir(dir);
    // `wx` fails rather than share a file with another writer.
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
  };
}

/** Appends to `out` every record file under `dir` as a `prefix`ed, `:`-joined key. */
export async function listFiles(dir: string, prefix: string, out: string[]): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await fsp.readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (isMissing(error)) return;
    throw error;
  }
  await Promise.all(
    entries.map(async (entry) => {
      if (isTemporary(entry.name)) return;
      if (entry.isDirectory()) await listFiles(join(dir, entry.name), `${prefix}${entry.name}:`, out);
      else out.push(prefix + entry.name);
    }),
  );
}
