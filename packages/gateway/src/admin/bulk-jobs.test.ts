import { afterEach, describe, expect, it } from "vitest";
import { adminCall, createMemoryStorage, startRig, type TestRig } from "../../test/support/index.js";
import type { KeyRecord, Storage } from "../spec/storage.js";
import { BULK_CHUNK, BulkJobs } from "./bulk-jobs.js";

const keysFor = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `sk-${prefix}-${String(i).padStart(5, "0")}-zzzzzz`);

/** Storage whose key writes can be made to fail or to hang (a process killed mid-request). */
function faultyStorage(inner: Storage) {
  const faults = { failAddCall: 0, hangAfterAddCall: 0, failDeleteCall: 0, adds: 0, deletes: 0 };
  const keys = {
    ...inner.keys,
    async add(records: KeyRecord[]) {
      faults.adds++;
      if (faults.adds === faults.failAddCall) throw new Error("storage went away");
      const stored = await inner.keys.add(records);
      if (faults.adds === faults.hangAfterAddCall) await new Promise(() => {}); // written, never answered
      return stored;
    },
    async delete(ids: string[]) {
      faults.deletes++;
      if (faults.deletes === faults.failDeleteCall) throw new Error("storage went away");
      return inner.keys.delete(ids);
    },
  };
  return { storage: { ...inner, keys } as Storage, faults };
}

const rigs: TestRig[] = [];
afterEach(async () => {
  await Promise.all(rigs.splice(0).map((r) => r.close()));
});

async function rigOn(storage: Storage, now?: () => number): Promise<TestRig> {
  const rig = await startRig({ acceptAnyKey: true }, { storage, ...(now ? { now } : {}) });
  rigs.push(rig);
  return rig;
}

const add = (rig: TestRig, keys: string[], idempotencyKey: string, extra: Record<string, unknown> = {}) =>
  adminCall(rig, "/admin/api/keys", {
    json: { provider: "fake", keys, ...extra },
    headers: { "idempotency-key": idempotencyKey },
  });

const jobOf = async (rig: TestRig, id: string) =>
  (await (await adminCall(rig, `/admin/api/jobs/bulk/${encodeURIComponent(id)}`)).json()) as Record<string, unknown>;

describe("bulk add with an Idempotency-Key", () => {
  it("records its progress, replays the answer without writing again, and refuses a reused key", async () => {
    const { storage, faults } = faultyStorage(createMemoryStorage());
    const rig = await rigOn(storage);
    const keys = [...keysFor("a", 1_200), "bad key"];
    const first = await add(rig, keys, "import-2026-12-03");
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotency-key")).toBe("import-2026-12-03");
    const body = (await first.json()) as { added: unknown[]; rejected: unknown[] };
    expect(body.added).toHaveLength(1_200);
    expect(body.rejected).toHaveLength(1);
    expect(faults.adds).toBe(Math.ceil(1_200 / BULK_CHUNK));
    expect(await jobOf(rig, "import-2026-12-03")).toMatchObject({
      id: "import-2026-12-03",
      kind: "keys.add",
      state: "done",
      total: 1_200,
      done: 1_200,
      added: 1_200,
      attempts: 1,
      status: 201,
    });

    const again = await add(rig, keys, "import-2026-12-03");
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.json()).toEqual(body);
    expect(faults.adds).toBe(3); // nothing written again

    const other = await add(rig, keysFor("b", 3), "import-2026-12-03");
    expect(other.status).toBe(409);
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe("idempotency_key_reused");
  });

  it("after a storage failure mid-request the job says how far it got, and a retry finishes it", async () => {
    const { storage, faults } = faultyStorage(createMemoryStorage());
    const rig = await rigOn(storage);
    faults.failAddCall = 2;
    const keys = keysFor("c", 1_200);
    const failed = await add(rig, keys, "c-1");
    expect(failed.status).toBe(500);
    expect(await jobOf(rig, "c-1")).toMatchObject({ state: "failed", done: BULK_CHUNK, added: BULK_CHUNK });
    expect(await storage.keys.count()).toBe(BULK_CHUNK);

    const retry = await add(rig, keys, "c-1");
    expect(retry.status).toBe(201);
    const body = (await retry.json()) as { added: unknown[]; duplicates: unknown[] };
    expect(body.added).toHaveLength(1_200); // the first attempt's 500 are this job's, not duplicates
    expect(body.duplicates).toHaveLength(0);
    expect(await jobOf(rig, "c-1")).toMatchObject({ state: "done", attempts: 2, added: 1_200 });
    expect(await storage.keys.count()).toBe(1_200);
  });
});

describe("bulk add with an Idempotency-Key, when the instance dies", () => {
  it("an instance that died mid-write: running (409) until stale, then interrupted; a retry elsewhere resumes", async () => {
    const shared = createMemoryStorage();
    const { storage, faults } = faultyStorage(shared);
    faults.hangAfterAddCall = 2; // chunk 2 stored, then the instance "dies" before recording it
    const dying = await rigOn(storage);
    let offset = 0;
    const other = await rigOn(shared, () => Date.now() + offset);
    const keys = keysFor("d", 1_200);
    const client = new AbortController();
    void adminCall(dying, "/admin/api/keys", {
      json: { provider: "fake", keys },
      headers: { "idempotency-key": "d-1" },
      signal: client.signal,
    }).catch(() => {});
    for (let i = 0; i < 100 && (await shared.keys.count()) < 2 * BULK_CHUNK; i++)
      await new Promise((r) => setTimeout(r, 50));
    client.abort();
    expect(await jobOf(other, "d-1")).toMatchObject({ state: "running", done: BULK_CHUNK });

    const tooSoon = await add(other, keys, "d-1");
    expect(tooSoon.status).toBe(409);
    expect(((await tooSoon.json()) as { error: { code: string } }).error.code).toBe("job_running");

    offset = 31_000;
    expect(await jobOf(other, "d-1")).toMatchObject({ state: "interrupted", done: BULK_CHUNK });
    const resumed = await add(other, keys, "d-1");
    expect(resumed.status).toBe(201);
    const body = (await resumed.json()) as { added: unknown[]; duplicates: unknown[] };
    // 500 recorded + 500 stored by the dead attempt (added since the job started) + 200 new
    expect(body.added).toHaveLength(1_200);
    expect(body.duplicates).toHaveLength(0);
    expect(await shared.keys.count()).toBe(1_200);
  });
});

describe("one Idempotency-Key, 30 starts at once on one instance", () => {
  it("claims the job before reading its record: one start runs, the other 29 are 409 job_running", async () => {
    const memory = createMemoryStorage();
    // A store that takes its time to read (as any networked one does): every start would read
    // "no job yet" before the first one wrote its running record.
    const slowGet = async <T>(name: string) => {
      const value = await memory.settings.get<T>(name); // read now, answered 20 ms later
      await new Promise((r) => setTimeout(r, 20));
      return value;
    };
    const jobs = new BulkJobs({ ...memory, settings: { ...memory.settings, get: slowGet } } as Storage, Date.now);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 30 }, () => jobs.start("same-key", "keys.add", "hash-of-the-body", 10, Date.now())),
    );
    const started = outcomes.filter((o) => o.status === "fulfilled" && !o.value.replay);
    const refused = outcomes.flatMap((o) => (o.status === "rejected" ? [(o.reason as { code?: string }).code] : []));
    expect(started).toHaveLength(1);
    expect(refused).toEqual(Array(29).fill("job_running"));
  });
});

describe("bulk delete with an Idempotency-Key, and the job route", () => {
  it("a failed delete resumes on retry and counts every key it deleted; the replay answers the same", async () => {
    const { storage, faults } = faultyStorage(createMemoryStorage());
    const rig = await rigOn(storage);
    expect((await rig.addKeys(keysFor("e", 1_200))).status).toBe(201);
    faults.failDeleteCall = 2;
    const del = (key: string) =>
      adminCall(rig, "/admin/api/keys", {
        method: "DELETE",
        json: { filter: {} },
        headers: { "idempotency-key": key },
      });
    expect((await del("e-del")).status).toBe(500);
    expect(await jobOf(rig, "e-del")).toMatchObject({ kind: "keys.delete", state: "failed", affected: BULK_CHUNK });
    const retry = await del("e-del");
    expect(await retry.json()).toEqual({ deleted: 1_200 });
    expect(await storage.keys.count()).toBe(0);
    const replay = await del("e-del");
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(await replay.json()).toEqual({ deleted: 1_200 });
  });

  it("refuses malformed keys and ids with a 400, and an unknown job with a 404", async () => {
    const rig = await rigOn(createMemoryStorage());
    for (const bad of ["has space", "x".repeat(256), ""]) {
      const res = await add(rig, keysFor("f", 1), bad);
      expect(res.status, bad).toBe(400);
      expect(await res.text()).toContain("Idempotency-Key");
    }
    expect(await rig.gateway.storage.keys.count()).toBe(0);
    const unknown = await adminCall(rig, "/admin/api/jobs/bulk/never-used");
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe("bulk_job_not_found");
    expect((await adminCall(rig, "/admin/api/jobs/bulk/%20x")).status).toBe(400);
    const anonymous = await fetch(`${rig.url}/admin/api/jobs/bulk/never-used`);
    expect(anonymous.status).toBe(401);
  });

  it("prunes job records a day after they finished, when the next job starts", async () => {
    const storage = createMemoryStorage();
    let offset = 0;
    const rig = await rigOn(storage, () => Date.now() + offset);
    expect((await add(rig, keysFor("g", 2), "old-job")).status).toBe(201);
    offset = 25 * 60 * 60 * 1000;
    expect((await add(rig, keysFor("h", 2), "new-job")).status).toBe(201);
    for (let i = 0; i < 50 && (await jobOf(rig, "old-job")).state; i++) await new Promise((r) => setTimeout(r, 10));
    expect((await adminCall(rig, "/admin/api/jobs/bulk/old-job")).status).toBe(404);
    expect(await jobOf(rig, "new-job")).toMatchObject({ state: "done" });
  });
});
