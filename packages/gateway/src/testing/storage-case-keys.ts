/** Storage conformance, key records: round trips, idempotent adds, paging, patches, deletes and counts. */
import { expect, it } from "vitest";
import type { KeyRecord } from "../spec/storage.js";
import { listAll, makeKeys, type StorageSuite } from "./storage-case-support.js";

/** Reading back what was written, idempotent adds, and listing page by page. */
export function keyRecordTests({ open, now }: StorageSuite): void {
  it("round-trips a key record with every field", async () => {
    const s = await open();
    const [base] = await makeKeys("openai", 1);
    const full: KeyRecord = {
      ...(base as KeyRecord),
      baseURL: "https://example.test/v1",
      tags: ["a", "b"],
      weight: 3,
      status: "cooling",
      cooldownUntil: now() + 1000,
      modelCooldowns: { "gpt-x": now() + 5000 },
      balance: 12.5,
      balanceDetail: { granted: 20 },
      lastError: "429 rate limited",
    };
    expect(await s.keys.add([full])).toEqual({ added: [full.id], duplicates: [] });
    expect(await s.keys.get(full.id)).toEqual(full);
    expect(await s.keys.get("openai-missing")).toBeNull();
  });

  it("reads several records at once with getMany, in order, null for missing ids (when offered)", async () => {
    const s = await open();
    const getMany = s.keys.getMany?.bind(s.keys);
    if (!getMany) return; // optional in the contract: readers fall back to get
    const keys = await makeKeys("openai", 1200, "many");
    await s.keys.add(keys);
    const [a, b] = keys as [KeyRecord, KeyRecord];
    expect(await getMany([b.id, "openai-missing", a.id, b.id])).toEqual([b, null, a, b]);
    expect(await getMany([])).toEqual([]);
    const all = await getMany(keys.map((r) => r.id));
    expect(all.map((r) => r?.id)).toEqual(keys.map((r) => r.id));
  });

  it("adds idempotently on (provider, hash) and reports duplicates", async () => {
    const s = await open();
    const [a, b, c] = (await makeKeys("openai", 3)) as [KeyRecord, KeyRecord, KeyRecord];
    expect((await s.keys.add([a, b])).added.sort()).toEqual([a.id, b.id].sort());
    const again = await s.keys.add([{ ...b, tags: ["changed"] }, c, c]);
    expect(again.added).toEqual([c.id]);
    expect(again.duplicates.sort()).toEqual([b.id, c.id].sort());
    expect((await s.keys.get(b.id))?.tags).toEqual([]);
    expect(await s.keys.count()).toBe(3);
  });

  it("lists every key exactly once across pages, in a stable order, per provider and status", async () => {
    const s = await open();
    const openai = await makeKeys("openai", 150);
    const custom = await makeKeys("custom", 100);
    await s.keys.add([...openai, ...custom]);
    const first = await listAll(s, { limit: 37 });
    expect(first.items).toHaveLength(250);
    expect(new Set(first.items.map((r) => r.id)).size).toBe(250);
    expect(first.pages).toBeGreaterThanOrEqual(7);
    expect((await listAll(s, { limit: 37 })).items.map((r) => r.id)).toEqual(first.items.map((r) => r.id));
    const onlyCustom = await listAll(s, { provider: "custom", limit: 30 });
    expect(onlyCustom.items.map((r) => r.id).sort()).toEqual(custom.map((r) => r.id).sort());
    const invalid = openai.slice(0, 20).map((r) => r.id);
    for (const id of invalid) await s.keys.patch(id, { status: "invalid" });
    const filtered = await listAll(s, { status: "invalid", limit: 25 });
    expect(filtered.items.map((r) => r.id).sort()).toEqual([...invalid].sort());
    expect((await listAll(s, { status: ["invalid", "disabled"], provider: "custom" })).items).toEqual([]);
  });
}

/** Patches, whole-record puts, deletes and counts. */
export function keyWriteTests({ open }: StorageSuite): void {
  it("patches only the given fields and clears fields set to undefined", async () => {
    const s = await open();
    const [a] = (await makeKeys("openai", 1)) as [KeyRecord];
    await s.keys.add([{ ...a, tags: ["keep"], cooldownUntil: 123, modelCooldowns: { m1: 1 } }]);
    const patched = await s.keys.patch(a.id, {
      status: "invalid",
      cooldownUntil: undefined,
      modelCooldowns: { m2: 2 },
    });
    expect(patched).toMatchObject({ status: "invalid", tags: ["keep"], secret: a.secret, modelCooldowns: { m2: 2 } });
    const stored = await s.keys.get(a.id);
    expect(stored).toEqual(patched);
    expect(stored?.cooldownUntil).toBeUndefined();
    expect(stored?.modelCooldowns).toEqual({ m2: 2 });
    expect(await s.keys.patch("openai-missing", { status: "active" })).toBeNull();
  });

  it("puts whole records, deletes and counts what existed, counts per provider", async () => {
    const s = await open();
    const keys = await makeKeys("openai", 3);
    await s.keys.add([...keys, ...(await makeKeys("custom", 2))]);
    await s.keys.put({ ...(keys[0] as KeyRecord), weight: 9 });
    expect((await s.keys.get(keys[0]?.id as string))?.weight).toBe(9);
    expect(await s.keys.count("openai")).toBe(3);
    expect(await s.keys.count("custom")).toBe(2);
    expect(await s.keys.count("nobody")).toBe(0);
    expect(await s.keys.delete([keys[0]?.id as string, keys[1]?.id as string, "openai-missing"])).toBe(2);
    expect(await s.keys.get(keys[0]?.id as string)).toBeNull();
    expect(await s.keys.count("openai")).toBe(1);
    expect(await s.keys.count()).toBe(3);
  });
}
