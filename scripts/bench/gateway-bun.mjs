// Keyhive on Bun for `npm run bench:ceiling`: the same gateway as gateway.mjs (20 keys, fs
// storage, the request log at its default), served by `Bun.serve` with Bun's own fetch. Run with
// `bun scripts/bench/gateway-bun.mjs`; prints `{"url":…}` as its first stdout line.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGateway, newKeyRecord } from "@keyhive/gateway";
import { createOpenAI } from "@keyhive/provider-openai";
import { createFsStorage } from "@keyhive/storage/fs";

const storage = createFsStorage({ dir: mkdtempSync(join(tmpdir(), "keyhive-bench-bun-")) });
const gateway = createGateway({
  providers: [createOpenAI({ baseURL: process.env.UPSTREAM_BASE_URL })],
  storage,
  clientTokens: ["kh-bench-token"],
  requestLog: {},
  adminPassword: "bench-admin-password",
  onError: () => {},
});
const keys = await Promise.all(
  Array.from({ length: 20 }, (_, i) => newKeyRecord({ provider: "openai", secret: `sk-bench-${i}` }, Date.now())),
);
await storage.keys.add(keys);
await gateway.ready();

const server = globalThis.Bun.serve({ fetch: gateway.app.fetch, port: 0, hostname: "127.0.0.1", idleTimeout: 0 });
console.log(JSON.stringify({ url: `http://127.0.0.1:${server.port}`, bun: globalThis.Bun.version }));
process.on("SIGTERM", () => {
  server.stop(true);
  process.exit(0);
});
