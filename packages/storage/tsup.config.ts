import { defineConfig } from "tsup";

export default defineConfig({
  entry: [
    "src/index.ts",
    "src/memory.ts",
    "src/fs.ts",
    "src/redis.ts",
    "src/cloudflare-kv.ts",
    "src/cloudflare-d1.ts",
    "src/cli.ts",
  ],
  format: ["esm"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "es2022",
  // ioredis is an optional peer, loaded lazily by the Redis driver only.
  external: ["ioredis"],
});
