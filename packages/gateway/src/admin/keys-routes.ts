/**
 * Keys: batch add (validated per provider), list/filter/sort/page over the pool snapshot, read,
 * patch, bulk enable/disable/delete. Every change is written to storage and applied to the pool.
 * The shapes are in `schemas/keys.ts`.
 */
import { type Context, Hono } from "hono";
import type { KeyPool } from "../pool/key-pool.js";
import { errors } from "../spec/errors.js";
import type { Provider } from "../spec/provider.js";
import type { KeyPatch, KeyRecord, Storage } from "../spec/storage.js";
import { maskSecret } from "../util/mask.js";
import { replayed, requestHash, runAttempt } from "./bulk-job-routes.js";
import { BULK_CHUNK, type BulkJob, type BulkJobs, type BulkKind, idempotencyKeyOf } from "./bulk-jobs.js";
import type { CheckJobs } from "./check-jobs.js";
import { type KeyFilter, matchesFilter, sortKeys } from "./key-filter.js";
import { prepareKeys, replayAddKeys, storeKeys } from "./keys-add.js";
import { addKeysBody, keyBulkBody, keyDeleteBody, keyListQuery, keyPatchBody } from "./schemas/keys.js";
import { readJson, readQuery } from "./validate.js";

export { MAX_KEYS_PER_CALL } from "./schemas/keys.js";

export interface KeysRoutesDeps {
  storage: Storage;
  pool: KeyPool;
  providers: ReadonlyMap<string, Provider>;
  jobs?: CheckJobs;
  /** Bulk writes with an `Idempotency-Key`; without it the header is refused (400). */
  bulk?: BulkJobs;
  now?: () => number;
}

/** What clients see of a key: never the secret unless asked for explicitly. */
export function publicKey(record: KeyRecord) {
  const { secret, hash: _hash, ...rest } = record;
  return { ...rest, key: maskSecret(secret) };
}

/** The patch that enables or disables a key by hand. */
export function togglePatch(disabled: boolean, now: number): KeyPatch {
  return disabled
    ? { status: "disabled", statusReason: "disabled by admin", statusChangedAt: now }
    : {
        status: "active",
        statusReason: "enabled by admin",
        statusChangedAt: now,
        consecutiveFailures: 0,
        cooldownUntil: undefined,
        nextCheckAt: now,
      };
}

/** Reads and writes of the pool that several routes share. */
function keyOperations(deps: KeysRoutesDeps) {
  return {
    select(body: { ids?: string[]; filter?: KeyFilter }): KeyRecord[] {
      const wanted = body.ids ? new Set(body.ids) : undefined;
      return deps.pool
        .keysOf()
        .filter((r) => (!wanted || wanted.has(r.id)) && (!body.filter || matchesFilter(r, body.filter)));
    },
    /** Applies a patch in memory and writes it through now, a chunk at a time (progress in `job`). */
    async patch(ids: string[], patch: KeyPatch, job?: BulkJob) {
      const before = job?.record.affected ?? 0;
      for (let start = 0; start < ids.length; start += BULK_CHUNK) {
        const chunk = ids.slice(start, start + BULK_CHUNK);
        for (const id of chunk) deps.pool.patch(id, patch);
        await deps.pool.flushWrites();
        await job?.progress(before + start + chunk.length, before + start + chunk.length);
      }
      return before + ids.length;
    },
    /** Deletes a chunk at a time; with a job, counts what earlier attempts deleted too. */
    async remove(ids: string[], job?: BulkJob) {
      const before = job?.record.affected ?? 0;
      let deleted = before;
      for (let start = 0; start < ids.length; start += BULK_CHUNK) {
        const chunk = ids.slice(start, start + BULK_CHUNK);
        deleted += await deps.storage.keys.delete(chunk);
        for (const id of chunk) deps.pool.forget(id);
        await job?.progress(before + start + chunk.length, deleted);
      }
      return deleted;
    },
    getOr404(id: string): KeyRecord {
      const record = deps.pool.get(id);
      if (!record) throw errors.notFound(`No key '${id}'.`, "key_not_found");
      return record;
    },
  };
}

/** The writes of many keys — add, bulk action, delete — each a bulk job with an `Idempotency-Key`. */
function bulkWriteRoutes(app: Hono, deps: KeysRoutesDeps, keys: ReturnType<typeof keyOperations>) {
  const now = deps.now ?? Date.now;
  /** The request's bulk job: none without an `Idempotency-Key`, else started, resumed or replayed. */
  const bulkStart = async (c: Context, kind: BulkKind, total: number, at = now()) => {
    const id = idempotencyKeyOf(c.req.header("idempotency-key"));
    if (id === undefined) return undefined;
    if (!deps.bulk) throw errors.badRequest("This gateway keeps no bulk jobs: send no Idempotency-Key.");
    return deps.bulk.start(id, kind, await requestHash(c), total, at);
  };

  app.post("/", async (c) => {
    const input = await readJson(c, addKeysBody);
    const at = now();
    const prepared = await prepareKeys(deps, input, at);
    const start = await bulkStart(c, "keys.add", prepared.records.length, at);
    if (start?.replay) return replayed(c, replayAddKeys(prepared, start.record).result, start.record);
    if (!start) {
      const { result, created } = await storeKeys(deps, input, prepared);
      return c.json(result, created ? 201 : 200);
    }
    return runAttempt(c, start.job, async () => {
      const { result, created } = await storeKeys(deps, input, prepared, start.job);
      return { body: result, status: created ? 201 : 200, record: { checkJob: result.check } };
    });
  });

  app.post("/bulk", async (c) => {
    const body = await readJson(c, keyBulkBody);
    const ids = keys.select(body).map((r) => r.id);
    const apply = (job?: BulkJob) =>
      body.action === "delete"
        ? keys.remove(ids, job)
        : keys.patch(ids, togglePatch(body.action === "disable", now()), job);
    const start = await bulkStart(c, "keys.bulk", ids.length);
    if (start?.replay) return replayed(c, { affected: start.record.affected ?? 0 }, start.record);
    if (!start) return c.json({ affected: await apply() });
    return runAttempt(c, start.job, async () => {
      const affected = await apply(start.job);
      return { body: { affected }, status: 200, record: { affected } };
    });
  });

  app.delete("/", async (c) => {
    const ids = keys.select(await readJson(c, keyDeleteBody)).map((r) => r.id);
    const start = await bulkStart(c, "keys.delete", ids.length);
    if (start?.replay) return replayed(c, { deleted: start.record.affected ?? 0 }, start.record);
    if (!start) return c.json({ deleted: await keys.remove(ids) });
    return runAttempt(c, start.job, async () => {
      const deleted = await keys.remove(ids, start.job);
      return { body: { deleted }, status: 200, record: { affected: deleted } };
    });
  });
}

export function keysRoutes(deps: KeysRoutesDeps) {
  const now = deps.now ?? Date.now;
  const keys = keyOperations(deps);
  const app = new Hono();

  bulkWriteRoutes(app, deps, keys);

  app.get("/", (c) => {
    const { sort, order, page, pageSize, ...filter } = readQuery(c, keyListQuery);
    const matched = sortKeys(
      deps.pool.keysOf().filter((r) => matchesFilter(r, filter)),
      sort,
      order,
    );
    const start = (page - 1) * pageSize;
    const data = matched.slice(start, start + pageSize).map(publicKey);
    return c.json({ data, total: matched.length, page, pageSize });
  });

  app.get("/:id", (c) => c.json(publicKey(keys.getOr404(c.req.param("id")))));

  app.get("/:id/secret", (c) => c.json({ secret: keys.getOr404(c.req.param("id")).secret }));

  app.patch("/:id", async (c) => {
    const record = keys.getOr404(c.req.param("id"));
    const body = await readJson(c, keyPatchBody);
    const patch: KeyPatch = {};
    if (body.disabled !== undefined && body.disabled !== (record.status === "disabled")) {
      Object.assign(patch, togglePatch(body.disabled, now()));
    }
    if (body.weight !== undefined) patch.weight = body.weight;
    if (body.tags !== undefined) patch.tags = [...new Set(body.tags)];
    if (body.baseURL !== undefined) patch.baseURL = body.baseURL ?? undefined;
    await keys.patch([record.id], patch);
    return c.json(publicKey(keys.getOr404(record.id)));
  });

  app.delete("/:id", async (c) => {
    const record = keys.getOr404(c.req.param("id"));
    await keys.remove([record.id]);
    return c.body(null, 204);
  });

  return app;
}
