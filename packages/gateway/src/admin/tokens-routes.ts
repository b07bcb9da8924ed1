/**
 * Client tokens: create (secret shown once), list with today's usage, patch limits, revoke.
 * After each change the gateway's shared-state sync runs, so the proxy enforces it at once.
 */
import { Hono } from "hono";
import type * as z from "zod/mini";
import type { UsageMeter } from "../pool/usage-meter.js";
import { errors } from "../spec/errors.js";
import type { Storage, TokenRecord } from "../spec/storage.js";
import { randomSecret, sha256Hex } from "../util/crypto.js";
import { maskSecret } from "../util/mask.js";
import { tokenCreateBody, tokenLimits, tokenPatchBody, type tokenUsage } from "./schemas/tokens.js";
import { readJson } from "./validate.js";

export interface TokensRoutesDeps {
  storage: Storage;
  usage: UsageMeter;
  now: () => number;
  onStateChanged?: () => Promise<void>;
}

type Limits = Partial<Record<keyof typeof tokenLimits, unknown>>;

/** Today's usage of a token, summed over every instance's written counters. */
export type TokenUsage = z.output<typeof tokenUsage>;

/** Applies limit fields: `null` removes a limit, `undefined` leaves it. */
function applyLimits(record: TokenRecord, body: Limits): TokenRecord {
  const out: Record<string, unknown> = { ...record };
  for (const field of Object.keys(tokenLimits) as (keyof typeof tokenLimits)[]) {
    const value = body[field];
    if (value === null) delete out[field];
    else if (value !== undefined) out[field] = value;
  }
  return out as unknown as TokenRecord;
}

export function tokensRoutes(deps: TokensRoutesDeps) {
  const app = new Hono();
  const changed = async () => {
    await deps.onStateChanged?.();
  };
  const view = async (record: TokenRecord, today: Map<string, TokenUsage>) => {
    const { hash: _hash, ...rest } = record;
    const usage = today.get(record.id) ?? { requests: 0, promptTokens: 0, completionTokens: 0, totalTokens: 0 };
    const now = deps.now();
    const state = record.revokedAt
      ? "revoked"
      : record.expiresAt !== undefined && record.expiresAt <= now
        ? "expired"
        : "active";
    return { ...rest, state, usage };
  };
  const usageToday = async () => {
    // Write this instance's counters first so the sums include them.
    await deps.usage.flush().catch(() => {});
    const day = new Date(deps.now()).toISOString().slice(0, 10);
    const rows = await deps.storage.usage.query({ scope: "token", from: day, to: day });
    const out = new Map<string, TokenUsage>();
    for (const row of rows) {
      const sum = out.get(row.id) ?? { requests: 0, promptTokens: 0, completionTokens: 0, totalTokens: 0 };
      sum.requests += row.counters.requests;
      sum.promptTokens += row.counters.promptTokens;
      sum.completionTokens += row.counters.completionTokens;
      sum.totalTokens = sum.promptTokens + sum.completionTokens;
      out.set(row.id, sum);
    }
    return out;
  };
  const tokenOr404 = async (id: string) => {
    const record = await deps.storage.tokens.get(id);
    if (!record) throw errors.notFound(`No token '${id}'.`, "token_not_found");
    return record;
  };

  app.post("/", async (c) => {
    const body = await readJson(c, tokenCreateBody);
    const token = randomSecret("kh-", 24);
    const hash = await sha256Hex(token);
    const record = applyLimits(
      { id: `tok-${hash.slice(0, 12)}`, name: body.name, hash, hint: maskSecret(token), createdAt: deps.now() },
      body,
    );
    await deps.storage.tokens.put(record);
    await changed();
    return c.json({ token, record: await view(record, new Map()) }, 201);
  });

  app.get("/", async (c) => {
    const today = await usageToday();
    const records = (await deps.storage.tokens.list()).sort((a, b) => b.createdAt - a.createdAt);
    return c.json({ data: await Promise.all(records.map((r) => view(r, today))) });
  });

  app.get("/:id", async (c) => c.json(await view(await tokenOr404(c.req.param("id")), await usageToday())));

  app.patch("/:id", async (c) => {
    const record = await tokenOr404(c.req.param("id"));
    const body = await readJson(c, tokenPatchBody);
    const next = applyLimits({ ...record, ...(body.name ? { name: body.name } : {}) }, body);
    await deps.storage.tokens.put(next);
    await changed();
    return c.json(await view(next, await usageToday()));
  });

  app.delete("/:id", async (c) => {
    const record = await tokenOr404(c.req.param("id"));
    if (!record.revokedAt) {
      await deps.storage.tokens.put({ ...record, revokedAt: deps.now() });
      await changed();
    }
    return c.body(null, 204);
  });

  return app;
}
