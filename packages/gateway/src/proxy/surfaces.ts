import type { ApiKind, Provider } from "../spec/provider.js";

const cache = new WeakMap<ReadonlyMap<string, Provider>, Map<ApiKind, ReadonlyMap<string, Provider>>>();

/**
 * The providers a bare `/v1/...` request of surface `api` may go to: for the surfaces a provider
 * must declare (`responses`, `messages`: see `Provider.surfaces`), only those declaring it;
 * for every other kind, all of them. Computed once per provider map.
 */
export function providersServing(
  providers: ReadonlyMap<string, Provider>,
  api: ApiKind,
): ReadonlyMap<string, Provider> {
  if (api !== "messages" && api !== "responses") return providers;
  let byApi = cache.get(providers);
  if (!byApi) {
    byApi = new Map();
    cache.set(providers, byApi);
  }
  let serving = byApi.get(api);
  if (!serving) {
    serving = new Map([...providers].filter(([, provider]) => provider.surfaces?.includes(api)));
    byApi.set(api, serving);
  }
  return serving;
}
