// The request log's query speed at 100,000 stored records, per driver (memory, fs, Redis):
// `node scripts/bench-request-log.mjs` after `npx tsup` (imports dist/). Fills each store with
// 400 batches of 250 records spread over 24 h (20 tokens, 3 providers, 6 models, 200 keys, 3%
// failures), then times a first page (limit 100) per filter, cold (a fresh storage over the same
// data, nothing cached) and warm, and the next page by cursor. Prints a Markdown table.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startRedis } from "@keyhive/gateway/testing";
import { createFsStorage } from "../dist/fs.js";
import { createMemoryStorage } from "../dist/memory.js";
import { createRedisStorage } from "../dist/redis.js";

const TOTAL = Number(process.env.RECORDS ?? 100_000);
const BATCH = 250;
const START = Date.now() - 86_400_000;

function record(n) {
  const finished = START + Math.floor((n * 86_400_000) / TOTAL);
  const failed = n % 33 === 0;
  const key = `key-${n % 200}`;
  return {
    id: `req-${finished.toString(36).padStart(9, "0")}${(n % 1000).toString(36).padStart(5, "0")}bnch`,
    at: finished - 300,
    instance: "i-bench",
    token: { id: `tok-${n % 20}`, name: `token ${n % 20}` },
    provider: ["alpha", "beta", "gamma"][n % 3],
    surface: "chat",
    model: `model-${n % 6}`,
    keyId: key,
    keyMasked: "sk-abc…wxyz",
    attempts: [
      ...(failed
        ? [{ keyId: `key-${(n + 7) % 200}`, keyMasked: "sk-abc…wxyz", failure: "rate_limited", status: 429, ms: 80 }]
        : []),
      { keyId: key, keyMasked: "sk-abc…wxyz", ms: 50 + (n % 4950) },
    ],
    status: failed && n % 2 === 0 ? 502 : 200,
    ttfbMs: 50,
    durationMs: 50 + (n % 4950),
    streamed: n % 2 === 0,
    tokensIn: 100,
    tokensOut: 20,
    bytes: 2000,
    error: failed && n % 2 === 0 ? "upstream failed" : null,
  };
}

const FILTERS = {
  unfiltered: {},
  "model=model-3": { model: "model-3" },
  "failed=true": { failed: true },
  "key=key-17": { key: "key-17" },
  "token=tok-4 & failed (rare)": { token: "tok-4", failed: true },
  "slowMs=4900 & provider=gamma": { slowMs: 4900, provider: "gamma" },
};

async function time(fn) {
  const started = performance.now();
  const result = await fn();
  return { ms: Math.round((performance.now() - started) * 10) / 10, result };
}

async function measure(name, open) {
  const writer = await open();
  for (let start = 0; start < TOTAL; start += BATCH) {
    await writer.requestLog.append(Array.from({ length: BATCH }, (_, i) => record(start + i)));
  }
  const rows = [];
  for (const [label, filter] of Object.entries(FILTERS)) {
    const cold = await open();
    const first = await time(() => cold.requestLog.query({ filter, limit: 100 }));
    const warm = await time(() => cold.requestLog.query({ filter, limit: 100 }));
    const next = first.result.next
      ? await time(() => cold.requestLog.query({ filter, limit: 100, cursor: first.result.next }))
      : { ms: 0 };
    rows.push({ driver: name, label, cold: first.ms, warm: warm.ms, next: next.ms, items: first.result.items.length });
    if (cold !== writer) await cold.close?.();
  }
  await writer.close?.();
  return rows;
}

const dir = mkdtempSync(join(tmpdir(), "keyhive-logbench-"));
const redis = await startRedis();
try {
  // One memory store is shared by "fresh" opens (a memory store is its own process's data).
  const memory = createMemoryStorage();
  const rows = [
    ...(await measure("memory", async () => memory)),
    ...(await measure("fs", async () => createFsStorage({ dir }))),
    ...(await measure("redis", () => createRedisStorage({ url: redis.url }))),
  ];
  console.log(`${TOTAL} records in batches of ${BATCH}; first page limit 100; ms\n`);
  console.log("| driver | filter | first page, cold | same, warm | next page | items |");
  console.log("|---|---|---|---|---|---|");
  for (const r of rows) console.log(`| ${r.driver} | ${r.label} | ${r.cold} | ${r.warm} | ${r.next} | ${r.items} |`);
  const worst = Math.max(...rows.map((r) => Math.max(r.cold, r.next)));
  console.log(`\nSlowest page: ${worst} ms (target < 300 ms).`);
} finally {
  await redis.stop?.();
  rmSync(dir, { recursive: true, force: true });
}
