// Selection cost at 1k / 10k / 100k keys, and the RSS of a process holding 100k keys.
import { KeyPool, newKeyRecord } from "@keyhive/gateway";
import { createMemoryStorage } from "@keyhive/storage/memory";

const results = [];
let pool;
for (const size of [1_000, 10_000, 100_000]) {
  pool = new KeyPool({ storage: createMemoryStorage() });
  const records = [];
  for (let i = 0; i < size; i++)
    records.push(await newKeyRecord({ provider: "openai", secret: `sk-sel-${size}-${i}` }, 0));
  pool.upsertLocal(records);
  // A realistic pool: a tenth of the keys is dead and skipped by selection.
  for (let i = 0; i < size; i += 10) pool.patch(records[i].id, { status: "invalid" });
  const samples = new Float64Array(200_000);
  for (let i = 0; i < 20_000; i++) pool.select("openai", { model: "gpt-4o-mini" }); // warm-up
  for (let i = 0; i < samples.length; i++) {
    const start = process.hrtime.bigint();
    pool.select("openai", { model: "gpt-4o-mini" });
    samples[i] = Number(process.hrtime.bigint() - start);
  }
  samples.sort();
  results.push({
    keys: size,
    p50Ns: samples[Math.floor(samples.length * 0.5)],
    p99Ns: samples[Math.floor(samples.length * 0.99)],
  });
}
globalThis.gc?.();
process.send?.({ selection: results, rss100k: process.memoryUsage().rss, poolSize: pool.size });
