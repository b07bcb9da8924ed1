/**
 * Where one provider's models come from when the gateway answers a model list itself: the
 * upstream's own list, asked with a key the pool would serve any model with (cached briefly, so
 * clients polling `/v1/models` do not hammer the upstreams); or, when the provider's only usable
 * keys are exhausted ones, its free models — what those keys may still serve — with no upstream
 * call. That is the free-model whitelist's behaviour users know from the tools Keyhive replaces.
 */
import type { KeyPool } from "../pool/key-pool.js";
import type { ModelInfo, Provider } from "../spec/provider.js";
import { redact } from "../util/mask.js";

/** One provider's contribution to a model list, or why it has none. */
export type ProviderModels =
  | {
      ok: true;
      models: readonly ModelInfo[];
      /** The free-model list, served because only exhausted keys are usable. */
      free: boolean;
    }
  | {
      ok: false;
      /** `no_usable_key`: no key at all; `cooling`: every key cools; `upstream_error`: the listing failed. */
      reason: "no_usable_key" | "cooling" | "upstream_error";
      /** For people: what went wrong, never a key. */
      detail: string;
      retryAfterMs?: number;
    };

export interface ModelSourceDeps {
  pool: KeyPool;
  /** The effective free models of a provider (the settings' list, else the provider's own). */
  freeModels: (providerId: string) => readonly string[] | undefined;
  /** How long an upstream's list is reused (ms). */
  cacheMs: number;
  now: () => number;
}

/** Keys one listing tries before it gives up on a provider (a dead key fails a listing). */
const LISTING_ATTEMPTS = 2;

export function createModelSource(deps: ModelSourceDeps) {
  const cache = new Map<string, { at: number; models: readonly ModelInfo[] }>();

  const fromUpstream = async (provider: Provider): Promise<ProviderModels | undefined> => {
    const hit = cache.get(provider.id);
    if (hit && deps.now() - hit.at <= deps.cacheMs) return { ok: true, models: hit.models, free: false };
    const tried = new Set<string>();
    let detail = "";
    for (let attempt = 0; attempt < LISTING_ATTEMPTS; attempt++) {
      const selection = deps.pool.select(provider.id, { exclude: tried });
      if (!selection.ok) break;
      tried.add(selection.key.id);
      try {
        const models = await provider.listModels(deps.pool.toPoolKey(selection.key));
        cache.set(provider.id, { at: deps.now(), models });
        return { ok: true, models, free: false };
      } catch (error) {
        // Upstreams sometimes echo the key in their message.
        detail = redact(error instanceof Error ? error.message : String(error), [selection.key.secret]);
      }
    }
    return tried.size > 0 ? { ok: false, reason: "upstream_error", detail: `listing failed (${detail})` } : undefined;
  };

  /** The provider's models as the gateway lists them; never throws. */
  return async (provider: Provider): Promise<ProviderModels> => {
    const selection = deps.pool.select(provider.id);
    if (selection.ok) return (await fromUpstream(provider)) ?? noKey();
    const free = deps.freeModels(provider.id);
    const first = free?.[0];
    // A free model may use exhausted keys: if one can be selected for it, the free list is what
    // this provider can serve right now.
    if (free && first !== undefined && deps.pool.select(provider.id, { model: first }).ok) {
      return { ok: true, models: free.map((id) => ({ id, ownedBy: provider.id })), free: true };
    }
    if (selection.reason === "cooling") {
      const seconds = Math.ceil(selection.retryAfterMs / 1000);
      return {
        ok: false,
        reason: "cooling",
        detail: `every key cools down (${seconds} s)`,
        retryAfterMs: selection.retryAfterMs,
      };
    }
    return noKey();
  };
}

const noKey = (): ProviderModels => ({ ok: false, reason: "no_usable_key", detail: "no usable key" });
