import { defineConfig } from "vitest/config";

// The workspace packages resolve from their built `dist/`, as a user's install would: turbo's
// `test` task builds them first (`^build`).
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    // The limits tests wait for the start of a calendar minute (up to ~21 s) before they count.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
