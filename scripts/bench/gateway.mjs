// The Node gateway as `npm start` runs it (filesystem storage, undici pooled fetch, the request
// log at its default: ring and durable log on the fs storage), with a
// counting wrapper around storage so the bench can report reads and writes per request.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { createGateway, newKeyRecord } from "@keyhive/gateway";
import { createNodeFetch } from "@keyhive/gateway/node";
import { createOpenAI } from "@keyhive/provider-openai";
import { createFsStorage } from "@keyhive/storage/fs";
import { Hono } from "hono";

const counts = { reads: 0, writes: 0 };
const READS = new Set(["get", "list", "count", "changes", "revision", "query", "all"]);
function counting(target) {
  return new Proxy(target, {
    get(object, name) {
      const value = object[name];
      if (typeof value === "function") {
        return (...args) => {
          counts[READS.has(name) ? "reads" : "writes"]++;
          return value.apply(object, args);
        };
      }
      return value && typeof value === "object" ? counting(value) : value;
    },
  });
}

const storage = counting(createFsStorage({ dir: mkdtempSync(join(tmpdir(), "keyhive-bench-")) }));
const fetch = createNodeFetch();
const gateway = createGateway({
  providers: [createOpenAI({ baseURL: process.env.UPSTREAM_BASE_URL, fetch })],
  storage,
  fetch,
  clientTokens: ["kh-bench-token"],
  // BENCH_REQUEST_LOG=off: no request log at all (the baseline of `npm run bench:log`).
  requestLog: process.env.BENCH_REQUEST_LOG === "off" ? false : {},
  adminPassword: "bench-admin-password",
  onError: () => {},
});
const keys = await Promise.all(
  Array.from({ length: 20 }, (_, i) => newKeyRecord({ provider: "openai", secret: `sk-bench-${i}` }, Date.now())),
);
await storage.keys.add(keys);
await gateway.ready();

const root = new Hono();
root.get("/__bench/counts", (c) => c.json({ ...counts, rss: process.memoryUsage().rss }));
root.post("/__bench/reset", (c) => {
  counts.reads = 0;
  counts.writes = 0;
  return c.json(counts);
});
root.route("/", gateway.app);
const server = serve({ fetch: root.fetch, port: 0, hostname: "127.0.0.1" }, (info) =>
  process.send?.({ url: `http://127.0.0.1:${info.port}` }),
);
process.on("disconnect", () => server.close());
