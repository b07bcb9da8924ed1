import { defineConfig } from "tsup";

// Runs after scripts/build-client.mjs has generated src/generated/assets.ts.
export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm"],
  dts: true,
  clean: true,
  sourcemap: false,
  target: "es2022",
});
