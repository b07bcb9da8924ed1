import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testStorage } from "@keyhive/gateway/testing/storage";
import { afterAll } from "vitest";
import { createFsStorage } from "../src/fs.js";

const dirs: string[] = [];

testStorage({
  name: "fs",
  create: async ({ now }) => {
    const dir = await mkdtemp(join(tmpdir(), "keyhive-fs-"));
    dirs.push(dir);
    return createFsStorage({ dir, now });
  },
});

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});
