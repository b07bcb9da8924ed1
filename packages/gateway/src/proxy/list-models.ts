/**
 * Model lists the gateway answers itself.
 *
 * Bare `GET /v1/models` with several providers merges the models of every provider that can
 * serve right now (see model-source.ts), whatever the default provider, in OpenAI's list shape.
 * An id is listed plain when a bare request naming it reaches the provider that listed it
 * (resolve-provider.ts), and as `<provider>:<model>` otherwise — so every listed id, sent back as
 * `model`, reaches its provider: of two providers listing one id, the one the bare route picks
 * keeps it plain. A provider that cannot list is skipped and named in
 * `x-keyhive-skipped-providers`; only when every provider fails does the list fail, with each
 * one's reason. A scoped client token sees only the providers and models it may use.
 *
 * `GET /<provider>/v1/models` (and the bare route with one provider) is the upstream's own list,
 * proxied; when the provider's only usable keys are exhausted it answers the provider's free
 * models instead of failing, and a model-scoped token gets the gateway-built list, filtered.
 */
import type { Context } from "hono";
import type { KeyPool } from "../pool/key-pool.js";
import { errors, GatewayError } from "../spec/errors.js";
import type { ModelInfo, Provider } from "../spec/provider.js";
import type { TokenRecord } from "../spec/storage.js";
import type { ClientAuth } from "./client-auth.js";
import { extractClientCredential } from "./client-credentials.js";
import { createModelSource, type ProviderModels } from "./model-source.js";
import type { ProxyTarget } from "./proxy-types.js";
import { resolveProvider } from "./resolve-provider.js";
import { checkTokenScope } from "./token-scope.js";

export interface ListModelsDeps {
  providers: ReadonlyMap<string, Provider>;
  pool: KeyPool;
  auth: ClientAuth;
  /** Headers besides `authorization` that may carry the client's token (see client-credentials.ts). */
  keyHeaders: readonly string[];
  /** The live default provider: unclaimed ids of its models are listed plain. */
  defaultProvider: () => string | null | undefined;
  /**
   * The effective free models of a provider (the `freeModels` setting, else the provider's own).
   * @default (id) => providers.get(id)?.freeModels
   */
  freeModels?: (providerId: string) => readonly string[] | undefined;
  proxy: (c: Context, target: ProxyTarget) => Promise<Response>;
  /** How long an upstream's list is reused (ms). @default 60000 */
  cacheMs?: number;
  now?: () => number;
}

/** Bare `GET /v1/models`, with the handler of `GET /<provider>/v1/models` attached. */
export type ModelListHandler = ((c: Context) => Promise<Response>) & {
  ofProvider?: (c: Context, provider: Provider) => Promise<Response>;
};

interface ModelEntry {
  id: string;
  object: "model";
  created: number;
  owned_by: string;
}

type Failed = Extract<ProviderModels, { ok: false }>;

export function createListModels(deps: ListModelsDeps): ModelListHandler {
  const source = createModelSource({
    pool: deps.pool,
    freeModels: deps.freeModels ?? ((id) => deps.providers.get(id)?.freeModels),
    cacheMs: deps.cacheMs ?? 60_000,
    now: deps.now ?? Date.now,
  });
  const tokenOf = async (c: Context): Promise<TokenRecord | undefined> => {
    const search = new URL(c.req.url).search;
    return (await deps.auth.authenticate(extractClientCredential(c.req.raw.headers, search, deps.keyHeaders))).record;
  };
  /** Whether a bare request for `id` reaches `provider` with `id` unchanged. */
  const routesPlain = (provider: Provider, id: string): boolean => {
    try {
      const route = resolveProvider(deps.providers, id, deps.defaultProvider() ?? undefined);
      return route.provider === provider && route.model === id;
    } catch {
      return false;
    }
  };

  /** One provider's list as the gateway builds it, ids plain (the route names the provider). */
  const builtList = async (c: Context, provider: Provider, token: TokenRecord | undefined) => {
    checkTokenScope(token, provider.id, undefined, "GET");
    const result = await source(provider);
    if (!result.ok) throw listingFailure([{ provider, result }]);
    return c.json({
      object: "list",
      data: mergeLists([{ provider, models: result.models }], () => true, token?.models),
    });
  };

  const ofProvider = async (c: Context, provider: Provider): Promise<Response> => {
    // A credential that is no token may still be the client's own upstream key (pass-through):
    // the proxy decides.
    const token = await tokenOf(c).catch(() => undefined);
    // The upstream's own list would show a model-scoped token every model: build it instead.
    if (token?.models) return builtList(c, provider, token);
    try {
      return await deps.proxy(c, { provider, api: "openai", path: "/models" });
    } catch (error) {
      // The proxy authenticated the client and checked its provider scope before it found no key.
      if (!(error instanceof GatewayError) || error.code !== "no_available_key") throw error;
      const result = await source(provider);
      if (!result.ok || !result.free) throw error;
      return c.json({ object: "list", data: mergeLists([{ provider, models: result.models }], () => true, undefined) });
    }
  };

  const merged = async (c: Context): Promise<Response> => {
    // One provider: its upstream's own list, as `/<provider>/v1/models` answers it.
    if (deps.providers.size === 1) return ofProvider(c, deps.providers.values().next().value as Provider);
    const token = await tokenOf(c);
    // Fail closed: a provider the token may not use is neither asked nor listed.
    const visible = [...deps.providers.values()].filter((p) => !token?.providers || token.providers.includes(p.id));
    const results = await Promise.all(visible.map(async (provider) => ({ provider, result: await source(provider) })));
    const listed: { provider: Provider; models: readonly ModelInfo[] }[] = [];
    const failed: { provider: Provider; result: Failed }[] = [];
    for (const { provider, result } of results) {
      if (result.ok) listed.push({ provider, models: result.models });
      else failed.push({ provider, result });
    }
    if (listed.length === 0 && failed.length > 0) throw listingFailure(failed);
    const data = mergeLists(listed, routesPlain, token?.models);
    const skipped = failed.map(({ provider, result }) => `${provider.id}=${result.reason}`).join(", ");
    return c.json({ object: "list", data }, 200, skipped ? { "x-keyhive-skipped-providers": skipped } : {});
  };

  return Object.assign(merged, { ofProvider });
}

function mergeLists(
  lists: readonly { provider: Provider; models: readonly ModelInfo[] }[],
  routesPlain: (provider: Provider, id: string) => boolean,
  allowedModels: readonly string[] | undefined,
): ModelEntry[] {
  const seen = new Set<string>();
  const data: ModelEntry[] = [];
  for (const { provider, models } of lists) {
    for (const model of models) {
      // A model-scoped token names upstream ids, as its scope check compares them.
      if (allowedModels && !allowedModels.includes(model.id)) continue;
      const id = routesPlain(provider, model.id) ? model.id : `${provider.id}:${model.id}`;
      if (seen.has(id)) continue;
      seen.add(id);
      data.push({ id, object: "model", created: 0, owned_by: model.ownedBy || provider.id });
    }
  }
  return data;
}

/** Every provider failed: one error naming each one's reason, with the status of the worst. */
function listingFailure(failed: readonly { provider: Provider; result: Failed }[]): GatewayError {
  const message = `No provider could list its models: ${failed.map(({ provider, result }) => `${provider.id}: ${result.detail}`).join("; ")}.`;
  if (failed.some(({ result }) => result.reason === "upstream_error")) return errors.upstream(message);
  if (failed.every(({ result }) => result.reason === "cooling")) {
    const soonest = Math.min(...failed.map(({ result }) => result.retryAfterMs ?? 0));
    return errors.rateLimited(message, soonest / 1000, "all_keys_cooling");
  }
  return errors.noAvailableKey(message);
}
