/**
 * Keys: batch add (validated per provider), list/filter/sort/page over the pool snapshot, read,
 * patch, bulk enable/disable/delete. Every change is written to storage and applied to the pool.
 * The shapes are in `schemas/keys.ts`.
 */
import { Hono } from "hono";
import type { KeyPool } from "../pool/key-pool.js";
import { errors } from "../spec/errors.js";
import type { Provider } from "../spec/provider.js";
import type { KeyPatch, KeyRecord, Storage } from "../spec/storage.js";
import { maskSecret } from "../util/mask.js";
import type { CheckJobs } from "./check-jobs.js";
import { type KeyFilter, matchesFilter, sortKeys } from "./key-filter.js";
import { addKeys } from "./keys-add.js";
import { addKeysBody, keyBulkBody, keyDeleteBody, keyListQuery, keyPatchBody } from "./schemas/keys.js";
import { readJson, readQuery } from "./validate.js";

export { MAX_KEYS_PER_CALL } from "./schemas/keys.js";

export interface KeysRoutesDeps {
  storage: Storage;
  pool: KeyPool;
  providers: ReadonlyMap<string, Provider>;
  jobs?: CheckJobs;
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
    /** Applies a patch in memory and writes it through now (not just behind). */
    async patch(ids: string[], patch: KeyPatch) {
      for (const id of ids) deps.pool.patch(id, patch);
      await deps.pool.flushWrites();
    },
    async remove(ids: string[]) {
      const deleted = ids.length > 0 ? await deps.storage.keys.delete(ids) : 0;
      for (const id of ids) deps.pool.forget(id);
      return deleted;
    },
    getOr404(id: string): KeyRecord {
      const record = deps.pool.get(id);
      if (!record) throw errors.notFound(`No key '${id}'.`, "key_not_found");
      return record;
    },
  };
}

export function keysRoutes(deps: KeysRoutesDeps) {
  const now = deps.now ?? Date.now;
  const keys = keyOperations(deps);
  const app = new Hono();

  app.post("/", async (c) => {
    const { result, created } = await addKeys(deps, await readJson(c, addKeysBody), now());
    return c.json(result, created ? 201 : 200);
  });

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

  app.post("/bulk", async (c) => {
    const body = await readJson(c, keyBulkBody);
    const ids = keys.select(body).map((r) => r.id);
    if (body.action === "delete") return c.json({ affected: await keys.remove(ids) });
    await keys.patch(ids, togglePatch(body.action === "disable", now()));
    return c.json({ affected: ids.length });
  });

  app.delete("/", async (c) => {
    const body = await readJson(c, keyDeleteBody);
    return c.json({ deleted: await keys.remove(keys.select(body).map((r) => r.id)) });
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
