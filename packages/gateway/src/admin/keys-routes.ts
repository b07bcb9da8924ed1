/** The minimal admin key API: add keys in bulk, list them masked. */
import { Hono } from "hono";
import { z } from "zod";
import type { KeyPool } from "../pool/key-pool.js";
import { newKeyRecord, splitKeys } from "../pool/new-key.js";
import { errors } from "../spec/errors.js";
import type { Provider } from "../spec/provider.js";
import type { KeyRecord, Storage } from "../spec/storage.js";
import { maskSecret } from "../util/mask.js";

const addKeysBody = z.object({
  provider: z.string().min(1),
  keys: z.union([z.string(), z.array(z.string())]),
  baseURL: z.url().optional(),
  tags: z.array(z.string().min(1).max(64)).max(32).optional(),
  weight: z.number().positive().max(1000).optional(),
});

export interface KeysRoutesDeps {
  storage: Storage;
  pool: KeyPool;
  providers: ReadonlyMap<string, Provider>;
  now?: () => number;
}

/** What clients see of a key: never the secret unless asked for explicitly elsewhere. */
export function publicKey(record: KeyRecord) {
  const { secret, hash: _hash, ...rest } = record;
  return { ...rest, key: maskSecret(secret) };
}

export function keysRoutes(deps: KeysRoutesDeps) {
  const now = deps.now ?? Date.now;
  const app = new Hono();

  app.post("/", async (c) => {
    let json: unknown;
    try {
      json = await c.req.json();
    } catch (error) {
      throw errors.invalidJson(error instanceof Error ? error.message : String(error));
    }
    const parsed = addKeysBody.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw errors.badRequest(
        `Invalid field '${issue?.path.join(".") || "body"}': ${issue?.message}`,
        issue?.path.join("."),
      );
    }
    const input = parsed.data;
    const provider = deps.providers.get(input.provider);
    if (!provider) {
      throw errors.badRequest(
        `Unknown provider '${input.provider}'; known: ${[...deps.providers.keys()].join(", ")}.`,
        "provider",
      );
    }
    const secrets = [
      ...new Set(Array.isArray(input.keys) ? input.keys.map((k) => k.trim()).filter(Boolean) : splitKeys(input.keys)),
    ];
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
    return c.json(
      { added: result.added.map(describe), duplicates: result.duplicates.map(describe), rejected },
      result.added.length > 0 ? 201 : 200,
    );
  });

  app.get("/", async (c) => {
    const limit = Math.min(Math.max(Number(c.req.query("limit") ?? 100) || 100, 1), 1000);
    const page = await deps.storage.keys.list({
      provider: c.req.query("provider"),
      cursor: c.req.query("cursor"),
      limit,
    });
    return c.json({ data: page.items.map(publicKey), cursor: page.cursor ?? null });
  });

  return app;
}
