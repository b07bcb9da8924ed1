import { defineConfig } from "vite";

// The client is built into build/client, then embedded into src/generated/assets.ts by
// scripts/embed-assets.mjs, so the Hono sub-app serves it without a filesystem (Workers).
export default defineConfig({
  root: "app",
  base: "/admin/",
  publicDir: false,
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: "../build/client",
    emptyOutDir: true,
    target: "es2022",
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    manifest: true,
    reportCompressedSize: false,
  },
});
