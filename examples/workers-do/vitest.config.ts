import { defineConfig } from "vitest/config";

export default defineConfig({
  // One Miniflare (and workerd) per file at a time: the machine has 2 cores.
  test: { include: ["test/**/*.test.ts"], testTimeout: 90_000, hookTimeout: 90_000, fileParallelism: false },
});
