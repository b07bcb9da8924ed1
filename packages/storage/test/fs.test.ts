import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvalidRecordNameError, newKeyRecord } from "@keyhive/gateway";
import { testStorage } from "@keyhive/gateway/testing/storage";
import { createStorage } from "unstorage";
import fsLiteDriver from "unstorage/drivers/fs-lite";
import { afterAll, describe, expect, it } from "vitest";
import { createFsStorage } from "../src/fs.js";
import { createAtomicWriter } from "../src/fs-files.js";
import { createUnstorageStorage } from "../src/unstorage-storage.js";
import { failingUnstorage } from "./failing-writes.js";
import { testRecordNames } from "./record-names.case.js";
import { testRotation } from "./rotation.case.js";

const dirs: string[] = [];
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), "keyhive-fs-"));
  dirs.push(dir);
  return dir;
};

testStorage({
  name: "fs",
  create: async ({ now }) => createFsStorage({ dir: await tempDir(), now }),
  // The reader is a real fs storage; the crashing writer uses the same file layout (unstorage's
  // fs-lite driver with the fs storage's atomic writes, so the reader never sees half a file).
  shared: async ({ now, failAfter }) => {
    const dir = await tempDir();
    const driver = fsLiteDriver({ base: dir });
    const atomic = createAtomicWriter();
    driver.setItem = (key, value) => atomic(join(dir, ...key.split(":")), value);
    const writer = createUnstorageStorage(failingUnstorage(createStorage({ driver }), failAfter), { base: "", now });
    return { writer, reader: createFsStorage({ dir, now }) };
  },
});

testRecordNames({ name: "fs", create: async () => createFsStorage({ dir: await tempDir() }) });

testRotation({
  name: "fs",
  create: async () => {
    const dir = await tempDir();
    const raw = async () => {
      const files = (await modes(dir)).filter((e) => !e.dir);
      return (await Promise.all(files.map((f) => readFile(f.path, "utf8")))).join("\n");
    };
    return { storage: createFsStorage({ dir }), raw };
  },
});

// The large-pool case leaves 100,000 files: removing them took over 30 s in CI while other
// suites ran, so the clean-up gets its own budget.
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
}, 180_000);

/** Every directory and file under `dir` with its permission bits. */
async function modes(dir: string): Promise<{ path: string; dir: boolean; mode: number }[]> {
  const out: { path: string; dir: boolean; mode: number }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    out.push({ path, dir: entry.isDirectory(), mode: (await stat(path)).mode & 0o777 });
  }
  return out;
}

describe("fs storage on disk", () => {
  it("creates directories 0700 and files 0600 whatever the umask, also for rewritten files", async () => {
    const root = await tempDir();
    const dir = join(root, "data", "nested"); // missing parents are created too
    const previous = process.umask(0o000); // the loosest umask: modes must still be owner-only
    try {
      const storage = createFsStorage({ dir });
      const record = await newKeyRecord({ provider: "openai", secret: "sk-fs-perm-0001" }, Date.now());
      await storage.keys.add([record]);
      await storage.tokens.put({ id: "tok-1", name: "t", hash: "ab".repeat(32), hint: "kh-ab…", createdAt: 1 });
      await storage.settings.set("auth.sessionSecret", "s3cret");
      await storage.history.append([{ at: Date.now(), kind: "pool", data: { n: 1 } }]);
      await storage.usage.write("i-1", [
        {
          scope: "key",
          id: record.id,
          day: "2026-01-01",
          counters: { requests: 1, successes: 1, failures: {}, promptTokens: 0, completionTokens: 0 },
        },
      ]);
      // A rewrite replaces the file: the new one must be 0600 too.
      await storage.keys.patch(record.id, { weight: 3 });
      await storage.settings.set("auth.sessionSecret", "s3cret-2");

      expect((await stat(join(root, "data"))).mode & 0o777).toBe(0o700);
      const entries = await modes(dir);
      expect((await stat(dir)).mode & 0o777).toBe(0o700);
      expect(entries.filter((e) => !e.dir).length).toBeGreaterThanOrEqual(6);
      for (const entry of entries) expect([entry.path, entry.mode]).toEqual([entry.path, entry.dir ? 0o700 : 0o600]);
      // No temporary file of the atomic writes is left behind.
      expect(entries.filter((e) => e.path.endsWith(".tmp"))).toEqual([]);
      expect((await storage.keys.get(record.id))?.weight).toBe(3);
    } finally {
      process.umask(previous);
    }
  });

  it("sets the same modes under strict umasks, even one that takes the owner's write bit", async () => {
    for (const umask of [0o077, 0o277]) {
      const dir = join(await tempDir(), "strict");
      const previous = process.umask(umask);
      try {
        const storage = createFsStorage({ dir });
        await storage.settings.set("setting.retries", 2);
        await storage.settings.set("setting.retries", 3);
        expect(await storage.settings.get("setting.retries")).toBe(3);
        const entries = await modes(dir);
        expect(entries.filter((e) => !e.dir).length).toBe(2); // the setting and meta/revision
        for (const entry of entries)
          expect([umask, entry.path, entry.mode]).toEqual([umask, entry.path, entry.dir ? 0o700 : 0o600]);
      } finally {
        process.umask(previous);
      }
    }
  });

  it("ignores leftover temporary files and refuses unsafe names before touching the disk", async () => {
    const dir = await tempDir();
    const storage = createFsStorage({ dir });
    await storage.tokens.put({ id: "tok-2", name: "t", hash: "cd".repeat(32), hint: "kh-cd…", createdAt: 1 });
    await writeFile(join(dir, "tokens", ".tok-2.abc.tmp"), "{half"); // a crash mid-write
    expect((await storage.tokens.list()).map((t) => t.id)).toEqual(["tok-2"]);
    for (const id of ["../settings/auth.sessionSecret", "abc\0", "a:b", "a/b", ".hidden", "a?b", ""]) {
      await expect(storage.tokens.get(id), JSON.stringify(id)).rejects.toSatisfy(InvalidRecordNameError.isInstance);
    }
    await expect(storage.settings.set("../x", 1)).rejects.toThrow(/Invalid setting name/);
    await expect(storage.keys.get("openai-..")).resolves.toBeNull(); // harmless: a plain file name
  });
});
