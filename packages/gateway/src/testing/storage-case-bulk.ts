/** Storage conformance under load: concurrent writers that must lose nothing, and a large pool. */
import { expect, it } from "vitest";
import type { KeyRecord } from "../spec/storage.js";
import { listAll, makeKeys, type StorageSuite } from "./storage-case-support.js";

export function bulkTests({ name, open, caps }: StorageSuite): void {
  const [batches, batchSize] = caps.concurrentAdds ?? [20, 500];

  it(
    `loses no writes: ${batches} concurrent adds of ${batchSize} distinct keys, then duplicate imports`,
    async () => {
      const s = await open();
      const all = await makeKeys("openai", batches * batchSize, "concurrent");
      const chunks = Array.from({ length: batches }, (_, i) => all.slice(i * batchSize, (i + 1) * batchSize));
      const started = Date.now();
      const results = await Promise.all(chunks.map((chunk) => s.keys.add(chunk)));
      console.log(`[${name}] ${batches}x${batchSize} concurrent adds: ${Date.now() - started} ms`);
      expect(results.reduce((n, r) => n + r.added.length, 0)).toBe(batches * batchSize);
      expect(await s.keys.count()).toBe(batches * batchSize);
      const listed = await listAll(s, { limit: 1000 });
      expect(new Set(listed.items.map((r) => r.id)).size).toBe(batches * batchSize);
      const dupes = await Promise.all([s.keys.add(chunks[0] ?? []), s.keys.add(chunks[0] ?? [])]);
      expect(dupes.flatMap((r) => r.added)).toEqual([]);
      expect(await s.keys.count()).toBe(batches * batchSize);
    },
    caps.bulkTimeoutMs,
  );

  it(
    `handles a large pool: import ${caps.largePoolSize} keys, list, filter and export page by page`,
    async () => {
      const s = await open();
      const n = caps.largePoolSize;
      const t0 = Date.now();
      const records = await makeKeys("openai", n, "large");
      for (let i = 0; i < n; i += 100) (records[i] as KeyRecord).status = "invalid";
      const t1 = Date.now();
      for (let i = 0; i < n; i += caps.importChunk) await s.keys.add(records.slice(i, i + caps.importChunk));
      const t2 = Date.now();
      expect(await s.keys.count("openai")).toBe(n);
      const listed = await listAll(s, { limit: 1000 });
      expect(listed.items).toHaveLength(n);
      expect(new Set(listed.items.map((r) => r.id)).size).toBe(n);
      const t3 = Date.now();
      const invalid = await listAll(s, { status: "invalid", limit: 1000 });
      expect(invalid.items).toHaveLength(Math.ceil(n / 100));
      const t4 = Date.now();
      let bytes = 0;
      let lines = 0;
      let cursor: string | undefined;
      do {
        const page = await s.keys.list({ cursor, limit: 500 });
        for (const record of page.items) bytes += JSON.stringify({ type: "key", record }).length + 1;
        lines += page.items.length;
        cursor = page.cursor;
      } while (cursor);
      expect(lines).toBe(n);
      const t5 = Date.now();
      console.log(
        `[${name}] ${n} keys: build ${t1 - t0} ms, import ${t2 - t1} ms (chunks of ${caps.importChunk}), ` +
          `list ${t3 - t2} ms (${listed.pages} pages), filter ${t4 - t3} ms, export ${t5 - t4} ms (${bytes} bytes)`,
      );
    },
    caps.bulkTimeoutMs,
  );
}
