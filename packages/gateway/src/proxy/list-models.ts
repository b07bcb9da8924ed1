/**
 * Bare `GET /v1/models`: with one provider (or a default provider) it is proxied like any
 * request; with several, the gateway answers an OpenAI model list merged from every provider
 * that has a usable key, cached briefly so clients polling it do not hammer the upstreams.
 */
import type { Context } from "hono";
import type { KeyPool } from "../pool/key-pool.js";
import { errors } from "../spec/errors.js";
import type { Provider } from "../spec/provider.js";
import type { ClientAuth } from "./client-auth.js";
import { extractClientCredential } from "./client-credentials.js";
import type { ProxyTarget } from "./proxy-types.js";

export interface ListModelsDeps {
  providers: ReadonlyMap<string, Provider>;
  pool: KeyPool;
  auth: ClientAuth;
  /** Headers besides `authorization` that may carry the client's token (see client-credentials.ts). */
  keyHeaders: readonly string[];
  defaultProvider: () => string | undefined;
  proxy: (c: Context, target: ProxyTarget) => Promise<Response>;
  /** How long a merged list is reused (ms). @default 60000 */
  cacheMs?: number;
  now?: () => number;
}

interface ModelEntry {
  id: string;
  object: "model";
  created: number;
  owned_by: string;
}

export function createListModels(deps: ListModelsDeps) {
  const now = deps.now ?? Date.now;
  let cached: { at: number; data: ModelEntry[] } | undefined;

  return async (c: Context): Promise<Response> => {
    if (deps.providers.size === 1 || deps.defaultProvider()) return deps.proxy(c, { api: "openai", path: "/models" });
    const url = new URL(c.req.url);
    await deps.auth.authenticate(extractClientCredential(c.req.raw.headers, url.search, deps.keyHeaders));
    if (!cached || now() - cached.at > (deps.cacheMs ?? 60_000)) {
      const lists = await Promise.all(
        [...deps.providers.values()].map(async (provider) => {
          const selection = deps.pool.select(provider.id);
          if (!selection.ok) return [];
          try {
            const models = await provider.listModels(deps.pool.toPoolKey(selection.key));
            return models.map((m) => ({
              id: m.id,
              object: "model" as const,
              created: 0,
              owned_by: m.ownedBy ?? provider.id,
            }));
          } catch {
            return []; // one provider's outage must not hide the others' models
          }
        }),
      );
      const data = lists.flat();
      if (data.length === 0) throw errors.noAvailableKey("No provider with a usable key could list its models.");
      cached = { at: now(), data };
    }
    return c.json({ object: "list", data: cached.data });
  };
}
