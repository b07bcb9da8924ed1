import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// KV and D1 inside workerd (local simulation, no network): run with
// WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false (see package.json).
export default defineConfig({
  plugins: [cloudflareTest({ wrangler: { configPath: "./test/wrangler.toml" } })],
  test: {
    include: ["test/workers/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
