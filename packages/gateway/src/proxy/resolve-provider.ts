import { errors } from "../spec/errors.js";
import type { Provider } from "../spec/provider.js";

/**
 * Which provider serves a bare `/v1/...` request (no `/<provider>` in the path):
 *
 * 1. a model written `<providerId>:<model>` goes to that provider, with the prefix removed — only
 *    when `<providerId>` is a registered provider id (`/` is not a separator: vendors use it in
 *    model ids, e.g. SiliconFlow's `openai/gpt-oss-120b`);
 * 2. otherwise the first registered provider whose `claimsModel(model)` is true;
 * 3. otherwise the configured default provider;
 * 4. otherwise, with exactly one provider registered, that one;
 * 5. otherwise 404 `model_not_found`.
 */
export function resolveProvider(
  providers: ReadonlyMap<string, Provider>,
  model: string | undefined,
  defaultProvider: string | undefined,
): { provider: Provider; model?: string } {
  if (model) {
    const match = /^([a-z0-9-]+):(.+)$/.exec(model);
    const prefixed = match ? providers.get(match[1] as string) : undefined;
    if (prefixed) return { provider: prefixed, model: match?.[2] };
    for (const provider of providers.values()) if (provider.claimsModel?.(model)) return { provider, model };
  }
  const fallback = defaultProvider ? providers.get(defaultProvider) : undefined;
  if (fallback) return { provider: fallback, model };
  if (providers.size === 1) return { provider: providers.values().next().value as Provider, model };
  const ids = [...providers.keys()];
  throw errors.notFound(
    model
      ? `No provider claims model '${model}'. Name the provider: prefix the model as '<provider>:<model>' (e.g. '${ids[0]}:${model}') or call /<provider>/v1/...; providers: ${ids.join(", ")}.`
      : `This request names no model; call /<provider>/v1/... (providers: ${ids.join(", ")}).`,
    "model_not_found",
  );
}
