/**
 * Token usage read from the last bytes of a successful answer (body or stream): the OpenAI
 * `usage` object (`prompt_tokens` / `completion_tokens`) — the gateway's own client surface —
 * and, for what it lacks, the provider's `usageOf` (its native answers' shape). Usage comes at
 * the end of a body or stream, so the tail is enough.
 */
import type { Provider } from "../spec/provider.js";
import type { StreamUsage } from "./usage-event-filter.js";

const decoder = new TextDecoder();

/** The last match of `re`'s first group as a number. */
function lastCount(text: string, re: RegExp): number | undefined {
  let value: number | undefined;
  for (const m of text.matchAll(re)) value = Number(m[1]);
  return value;
}

export function usageOfTail(
  tail: readonly Uint8Array[] | undefined,
  provider?: Pick<Provider, "usageOf">,
): StreamUsage {
  if (!tail || tail.length === 0) return {};
  let text = "";
  for (const chunk of tail) text += decoder.decode(chunk, { stream: true });
  const promptTokens = lastCount(text, /"prompt_tokens"\s*:\s*(\d+)/g);
  const completionTokens = lastCount(text, /"completion_tokens"\s*:\s*(\d+)/g);
  if ((promptTokens !== undefined && completionTokens !== undefined) || !provider?.usageOf) {
    return { promptTokens, completionTokens };
  }
  const own = provider.usageOf(text);
  return {
    promptTokens: promptTokens ?? own?.promptTokens,
    completionTokens: completionTokens ?? own?.completionTokens,
  };
}
