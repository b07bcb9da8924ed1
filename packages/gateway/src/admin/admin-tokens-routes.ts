/** Admin tokens for scripts: create (secret shown once), list (masked), revoke. */
import { Hono } from "hono";
import { errors } from "../spec/errors.js";
import type { Storage } from "../spec/storage.js";
import { randomSecret, sha256Hex } from "../util/crypto.js";
import { maskSecret } from "../util/mask.js";
import { ADMIN_TOKENS, type AdminTokenRecord } from "./admin-auth.js";
import { adminTokenCreateBody } from "./schemas/auth.js";
import { readJson } from "./validate.js";

export function adminTokensRoutes(deps: { storage: Storage; now: () => number }) {
  const app = new Hono();
  const load = async () => (await deps.storage.settings.get<AdminTokenRecord[]>(ADMIN_TOKENS)) ?? [];
  const view = ({ hash: _hash, ...rest }: AdminTokenRecord) => rest;

  app.get("/", async (c) => c.json({ data: (await load()).map(view) }));

  app.post("/", async (c) => {
    const { name } = await readJson(c, adminTokenCreateBody);
    const token = randomSecret("kha-", 24);
    const hash = await sha256Hex(token);
    const record: AdminTokenRecord = {
      id: `adm-${hash.slice(0, 12)}`,
      name,
      hash,
      hint: maskSecret(token),
      createdAt: deps.now(),
    };
    const tokens = await load();
    if (tokens.length >= 100) throw errors.badRequest("At most 100 admin tokens; revoke unused ones first.");
    await deps.storage.settings.set(ADMIN_TOKENS, [...tokens, record]);
    return c.json({ token, record: view(record) }, 201);
  });

  app.delete("/:id", async (c) => {
    const tokens = await load();
    const rest = tokens.filter((t) => t.id !== c.req.param("id"));
    if (rest.length === tokens.length) throw errors.notFound(`No admin token '${c.req.param("id")}'.`);
    await deps.storage.settings.set(ADMIN_TOKENS, rest);
    return c.body(null, 204);
  });

  return app;
}
