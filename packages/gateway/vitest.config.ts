import { defineConfig } from "vitest/config";

// The gateway's tests use only the gateway: a fake provider, a fake upstream and a memory storage
// in `test/support/`. Tests with the real adapters and storages live in
// `packages/integration-tests`, which declares them (they depend on the gateway, not it on them).
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
