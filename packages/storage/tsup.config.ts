import { defineConfig } from "tsup";

export default defineConfig({
  entry: [
    "src/index.ts",
    "src/memory.ts",
    "src/fs.ts",
    "src/redis.ts",
    "src/cloudflare-kv.ts",
    "src/cloudflare-d1.ts",
    "src/cloudflare-do.ts",
    "src/cli.ts",
  ],
  format: ["esm"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "es2022",
  // One self-contained file per entry: no bare chunk imports for bundlers to warn about
  // (the package is side-effect free), and a Worker pulls in only its driver.
  splitting: false,
  // ioredis is an optional peer, loaded lazily by the Redis driver only.
  external: ["ioredis"],
});
