import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Sibling packages depend on the gateway, so the gateway cannot depend on them; its tests
// read their sources directly instead (no build, no dependency cycle).
const src = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      "@keyhive/gateway/testing": src("./src/testing.ts"),
      "@keyhive/gateway": src("./src/index.ts"),
      "@keyhive/storage/fs": src("../storage/src/fs.ts"),
      "@keyhive/storage": src("../storage/src/index.ts"),
      "@keyhive/provider-openai": src("../provider-openai/src/index.ts"),
      "@keyhive/provider-gemini": src("../provider-gemini/src/index.ts"),
    },
  },
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
