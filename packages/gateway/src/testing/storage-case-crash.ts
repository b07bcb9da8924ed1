/**
 * Storage conformance across instances: a writer killed in the middle of an add, a delete or a
 * run of patches (its driver writes fail from the N-th on) must leave a second instance's key
 * pool converging on exactly what storage holds; and a listing on one instance reflects another
 * instance's write as soon as its feed does. Needs the implementation's `shared` factory.
 */
import { expect, it } from "vitest";
import { KeyPool } from "../pool/key-pool.js";
import type { KeyRecord, Storage } from "../spec/storage.js";
import { listAll, makeKeys, type StorageSuite } from "./storage-case-support.js";

const DEFAULT_POINTS = [0, 1, 2, 300, 501, 502, 903, 2007];

type Crash = "add" | "delete" | "patch";
type Shared = NonNullable<StorageSuite["shared"]>;

export function crashTests({ name, caps, shared }: StorageSuite): void {
  const points = [...(caps.crashPoints ?? DEFAULT_POINTS)];
  // One point the suite did not pick, below the largest write count a run makes.
  points.push(1 + Math.floor(Math.random() * Math.max(...points, 3)));

  for (const op of ["add", "delete", "patch"] as Crash[]) {
    it.skipIf(!shared)(
      `a writer killed mid-${op} (after N driver writes) leaves a reader converging on storage`,
      async () => {
        const log: string[] = [];
        for (const failAfter of points) log.push(await crashRun(shared as Shared, op, failAfter, caps.crashKeys));
        console.log(`[${name}] crash mid-${op}: ${log.join(", ")}`);
      },
      caps.bulkTimeoutMs,
    );
  }

  it.skipIf(!shared)("lists another instance's writes as soon as the feed reports them", async () => {
    const { writer, reader, close } = await (shared as Shared)(Infinity);
    try {
      const [first, later] = [await makeKeys("openai", 10, "a"), await makeKeys("openai", 5, "b")];
      await writer.keys.add(first);
      const start = await reader.keys.changes();
      expect((await listAll(reader)).items).toHaveLength(10); // a listing snapshot may now be cached
      await writer.keys.add(later);
      await writer.keys.delete([first[0]?.id as string]);
      const feed = await reader.keys.changes(start.cursor);
      expect(feed.ids).toEqual(expect.arrayContaining([...later.map((r) => r.id), first[0]?.id]));
      expect((await listAll(reader)).items.map((r) => r.id).sort()).toEqual(
        [...first.slice(1), ...later].map((r) => r.id).sort(),
      );
    } finally {
      await close?.();
    }
  });
}

/** One crash run; returns a short summary ("N=300: 298/2000 stored, 2 polls"). */
async function crashRun(shared: Shared, op: Crash, failAfter: number, size: number): Promise<string> {
  const { writer, reader, close } = await shared(failAfter);
  try {
    const keys = await makeKeys("openai", op === "patch" ? Math.min(size, 200) : size, `crash-${op}`);
    // What the reader's instance held before the writer started.
    if (op !== "add") await reader.keys.add(keys);
    const pool = new KeyPool({ storage: reader, writeDelayMs: 60_000 });
    await pool.ready();
    await pool.refresh(); // past the setup's own feed entries, so nothing below is re-read by luck
    const write = runWrite(writer, op, keys);
    // The reader polls while the writer writes, so it also reads feed entries before their data.
    let settled = false;
    const polling = (async () => {
      while (!settled) {
        await pool.refresh();
        await new Promise((resolve) => setTimeout(resolve, 3));
      }
    })();
    const failed = await write.then(
      () => false,
      () => true,
    );
    settled = true;
    await polling;
    // Writes already in flight when the process "died" may still land: let them.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const ids = keys.map((r) => r.id);
    let polls = 0;
    let truth = await storedView(reader, ids);
    while (viewOf(pool) !== truth && polls < 20) {
      await pool.refresh();
      polls++;
      if (viewOf(pool) !== truth) await new Promise((resolve) => setTimeout(resolve, 20));
      truth = await storedView(reader, ids);
    }
    expect({ failAfter, op, view: viewOf(pool) }).toEqual({ failAfter, op, view: truth });
    // The reader's listing agrees with storage too (its snapshot was dropped by the feed).
    expect(listedView(await listAll(reader, { limit: 1000 }))).toBe(truth);
    const stored = truth ? truth.split("\n").length : 0;
    return `N=${failAfter}${failed ? "" : " (no crash)"}: ${stored}/${keys.length} stored, ${polls} polls`;
  } finally {
    await close?.();
  }
}

function runWrite(writer: Storage, op: Crash, keys: KeyRecord[]): Promise<unknown> {
  if (op === "add") return writer.keys.add(keys);
  if (op === "delete") return writer.keys.delete(keys.map((r) => r.id));
  // A run of patches, as the pool's write-behind or a bulk disable by filter makes them.
  return (async () => {
    for (const [i, record] of keys.entries()) {
      if (i % 2) await writer.keys.patch(record.id, { status: "disabled", updatedAt: i });
      else await writer.keys.put({ ...record, status: "invalid", updatedAt: i });
    }
  })();
}

/** "id status" lines, sorted: what a view holds. */
const linesOf = (records: Iterable<Pick<KeyRecord, "id" | "status">>) =>
  [...records]
    .map((r) => `${r.id} ${r.status}`)
    .sort()
    .join("\n");

const viewOf = (pool: KeyPool) => linesOf(pool.keysOf());
const listedView = (listed: { items: KeyRecord[] }) => linesOf(listed.items);

/** What storage holds for `ids`, read record by record (no listing cache involved). */
async function storedView(storage: Storage, ids: string[]): Promise<string> {
  const records: (KeyRecord | null)[] = [];
  for (let i = 0; i < ids.length; i += 50)
    records.push(...(await Promise.all(ids.slice(i, i + 50).map((id) => storage.keys.get(id)))));
  return linesOf(records.filter((r): r is KeyRecord => r !== null));
}
