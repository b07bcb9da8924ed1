/**
 * Keys: batch add (validated per provider), list/filter/sort/page over the pool snapshot, read,
 * patch, bulk enable/disable/delete. Every change is written to storage and applied to the pool.
 */
import { Hono } from "hono";
import * as z from "zod/mini";
import type { KeyPool } from "../pool/key-pool.js";
import { newKeyRecord, splitKeys } from "../pool/new-key.js";
import { errors } from "../spec/errors.js";
import type { Provider } from "../spec/provider.js";
import type { KeyPatch, KeyRecord, Storage } from "../spec/storage.js";
import { maskSecret } from "../util/mask.js";
import type { CheckJobs } from "./check-jobs.js";
import { checkSettingsSchema } from "./checks-routes.js";
import { type KeyFilter, keyFilterQuery, keyFilterSchema, matchesFilter, SORT_FIELDS, sortKeys } from "./key-filter.js";
import { readJson, readQuery } from "./validate.js";

export const MAX_KEYS_PER_CALL = 10_000;

const tags = z.array(z.string().check(z.trim(), z.minLength(1), z.maxLength(64))).check(z.maxLength(32));
const baseURL = z.url({ protocol: /^https?$/ }).check(z.maxLength(2048));
const weight = z.number().check(z.positive(), z.maximum(1000));

const addKeysBody = z.strictObject({
  provider: z.string().check(z.minLength(1)),
  keys: z.union([
    z.string().check(z.maxLength(4 * 1024 * 1024)),
    z.array(z.string().check(z.maxLength(4096))).check(z.maxLength(MAX_KEYS_PER_CALL)),
  ]),
  baseURL: z.optional(baseURL),
  tags: z.optional(tags),
  weight: z.optional(weight),
  check: z.optional(z.union([z.boolean(), z.partial(checkSettingsSchema)])),
});

const listQuery = z.extend(keyFilterQuery, {
  sort: z._default(z.enum(SORT_FIELDS), "addedAt"),
  order: z._default(z.enum(["asc", "desc"]), "desc"),
  page: z._default(z.coerce.number().check(z.int(), z.minimum(1)), 1),
  pageSize: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(1000)), 50),
});

const patchBody = z
  .strictObject({
    disabled: z.optional(z.boolean()),
    weight: z.optional(weight),
    tags: z.optional(tags),
    baseURL: z.optional(z.nullable(baseURL)),
  })
  .check(z.refine((b) => Object.keys(b).length > 0, { message: "nothing to change" }));

const selection = {
  ids: z.optional(z.array(z.string().check(z.minLength(1))).check(z.minLength(1), z.maxLength(100_000))),
  filter: z.optional(keyFilterSchema),
};
/** A selection must be explicit: ids, or a filter (`{}` = every key, on purpose). */
const hasSelection = (b: { ids?: string[]; filter?: KeyFilter }) => b.ids !== undefined || b.filter !== undefined;
const selectionMessage = { message: "give ids or a filter (an empty filter selects every key)", path: ["ids"] };

const bulkBody = z
  .strictObject({ action: z.enum(["enable", "disable", "delete"]), ...selection })
  .check(z.refine(hasSelection, selectionMessage));
const deleteBody = z.strictObject(selection).check(z.refine(hasSelection, selectionMessage));

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

export function keysRoutes(deps: KeysRoutesDeps) {
  const now = deps.now ?? Date.now;
  const app = new Hono();

  const select = (body: { ids?: string[]; filter?: KeyFilter }): KeyRecord[] => {
    const wanted = body.ids ? new Set(body.ids) : undefined;
    return deps.pool
      .keysOf()
      .filter((r) => (!wanted || wanted.has(r.id)) && (!body.filter || matchesFilter(r, body.filter)));
  };

  /** Applies a patch in memory and writes it through now (not just behind). */
  const patchKeys = async (ids: string[], patch: KeyPatch) => {
    for (const id of ids) deps.pool.patch(id, patch);
    await deps.pool.flushWrites();
  };

  const removeKeys = async (ids: string[]) => {
    const deleted = ids.length > 0 ? await deps.storage.keys.delete(ids) : 0;
    for (const id of ids) deps.pool.forget(id);
    return deleted;
  };

  const keyOr404 = (id: string): KeyRecord => {
    const record = deps.pool.get(id);
    if (!record) throw errors.notFound(`No key '${id}'.`, "key_not_found");
    return record;
  };

  app.post("/", async (c) => {
    const input = await readJson(c, addKeysBody);
    const provider = deps.providers.get(input.provider);
    if (!provider) {
      throw errors.badRequest(
        `Unknown provider '${input.provider}'; known: ${[...deps.providers.keys()].join(", ")}.`,
        "provider",
      );
    }
    const pasted = Array.isArray(input.keys) ? input.keys.map((k) => k.trim()).filter(Boolean) : splitKeys(input.keys);
    const secrets = [...new Set(pasted)];
    if (secrets.length > MAX_KEYS_PER_CALL) {
      throw errors.badRequest(`At most ${MAX_KEYS_PER_CALL} keys per call (got ${secrets.length}).`, "keys");
    }
    if (secrets.length === 0) throw errors.badRequest("No keys found in 'keys'.", "keys");
    const rejected: { key: string; reason: string }[] = [];
    const records: KeyRecord[] = [];
    const at = now();
    for (const secret of secrets) {
      const verdict = provider.validateKeyFormat(secret);
      if (!verdict.ok) rejected.push({ key: maskSecret(secret), reason: verdict.reason });
      else
        records.push(
          await newKeyRecord(
            { provider: provider.id, secret, baseURL: input.baseURL, tags: input.tags, weight: input.weight },
            at,
          ),
        );
    }
    const result = records.length > 0 ? await deps.storage.keys.add(records) : { added: [], duplicates: [] };
    const addedSet = new Set(result.added);
    deps.pool.upsertLocal(records.filter((r) => addedSet.has(r.id)));
    const byId = new Map(records.map((r) => [r.id, r]));
    const describe = (id: string) => ({ id, key: maskSecret(byId.get(id)?.secret ?? "") });
    let check: { jobId: string; total: number } | undefined;
    if (input.check && deps.jobs && result.added.length > 0) {
      const options = typeof input.check === "object" ? input.check : {};
      const job = await deps.jobs.start(result.added, checkSettingsSchema.parse(options));
      check = { jobId: job.id, total: job.total };
    }
    return c.json(
      {
        added: result.added.map(describe),
        duplicates: result.duplicates.map(describe),
        rejected,
        ...(check ? { check } : {}),
      },
      result.added.length > 0 ? 201 : 200,
    );
  });

  app.get("/", (c) => {
    const q = readQuery(c, listQuery);
    const { sort, order, page, pageSize, ...filter } = q;
    const matched = sortKeys(
      deps.pool.keysOf().filter((r) => matchesFilter(r, filter)),
      sort,
      order,
    );
    const start = (page - 1) * pageSize;
    return c.json({
      data: matched.slice(start, start + pageSize).map(publicKey),
      total: matched.length,
      page,
      pageSize,
    });
  });

  app.post("/bulk", async (c) => {
    const body = await readJson(c, bulkBody);
    const ids = select(body).map((r) => r.id);
    if (body.action === "delete") return c.json({ affected: await removeKeys(ids) });
    await patchKeys(ids, togglePatch(body.action === "disable", now()));
    return c.json({ affected: ids.length });
  });

  app.delete("/", async (c) => {
    const body = await readJson(c, deleteBody);
    return c.json({ deleted: await removeKeys(select(body).map((r) => r.id)) });
  });

  app.get("/:id", (c) => c.json(publicKey(keyOr404(c.req.param("id")))));

  app.get("/:id/secret", (c) => c.json({ secret: keyOr404(c.req.param("id")).secret }));

  app.patch("/:id", async (c) => {
    const record = keyOr404(c.req.param("id"));
    const body = await readJson(c, patchBody);
    const patch: KeyPatch = {};
    if (body.disabled !== undefined && body.disabled !== (record.status === "disabled")) {
      Object.assign(patch, togglePatch(body.disabled, now()));
    }
    if (body.weight !== undefined) patch.weight = body.weight;
    if (body.tags !== undefined) patch.tags = [...new Set(body.tags)];
    if (body.baseURL !== undefined) patch.baseURL = body.baseURL ?? undefined;
    await patchKeys([record.id], patch);
    return c.json(publicKey(keyOr404(record.id)));
  });

  app.delete("/:id", async (c) => {
    const record = keyOr404(c.req.param("id"));
    await removeKeys([record.id]);
    return c.body(null, 204);
  });

  return app;
}
