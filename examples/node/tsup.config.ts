import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/main.ts", "src/server.ts", "src/run.ts", "src/config.ts", "src/cli.ts", "src/compose.ts"],
  format: ["esm"],
  dts: false,
  clean: true,
  sourcemap: true,
  target: "es2022",
  platform: "node",
});
