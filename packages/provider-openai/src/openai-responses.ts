/**
 * What the adapter knows of the Responses API: its usage shape. A Responses answer (the JSON
 * response object, or a stream's final `response.completed` event) counts tokens as
 * `usage.input_tokens` / `usage.output_tokens`, not chat's `prompt_tokens` / `completion_tokens`.
 */
import type { ApiSurface, Provider, TokenUsage } from "@keyhive/gateway";

/** The last match of `re`'s first group as a number. */
function lastCount(text: string, re: RegExp): number | undefined {
  let value: number | undefined;
  for (const match of text.matchAll(re)) value = Number(match[1]);
  return value;
}

/** Token usage of a Responses answer's tail (see `Provider.usageOf`); undefined when it has none. */
export function responsesUsageOf(tail: string): TokenUsage | undefined {
  const promptTokens = lastCount(tail, /"input_tokens"\s*:\s*(\d+)/g);
  const completionTokens = lastCount(tail, /"output_tokens"\s*:\s*(\d+)/g);
  if (promptTokens === undefined && completionTokens === undefined) return undefined;
  return { promptTokens, completionTokens };
}

/**
 * The provider, also serving the Responses API: `surfaces` gains `responses` (the gateway then
 * routes `/v1/responses…` to it, pinning follow-ups to the creating key) and Responses usage is
 * counted. `enabled: false` leaves the provider as it is.
 */
export function withResponses(provider: Provider, enabled = true): Provider {
  if (!enabled) return provider;
  const surfaces: readonly ApiSurface[] = [...(provider.surfaces ?? []), "responses"];
  const own = provider.usageOf;
  const usageOf = own ? (tail: string) => own(tail) ?? responsesUsageOf(tail) : responsesUsageOf;
  return { ...provider, surfaces, usageOf };
}
