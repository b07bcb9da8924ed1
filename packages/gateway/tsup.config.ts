import { defineConfig } from "tsup";

export default defineConfig({
  entry: [
    "src/index.ts",
    "src/spec.ts",
    "src/admin-api.ts",
    "src/node.ts",
    "src/workers.ts",
    "src/testing.ts",
    "src/testing-suites.ts",
    "src/testing/storage-case.ts",
  ],
  format: ["esm"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "es2022",
});
