/**
 * Token usage in Gemini's native answers — `usageMetadata.promptTokenCount` and
 * `candidatesTokenCount`, at the end of a body or in the last event of a stream — for the
 * gateway's usage accounting (`Provider.usageOf`). The tail may start mid-JSON: a pattern reads it.
 */
import type { TokenUsage } from "@keyhive/gateway";

function lastCount(text: string, re: RegExp): number | undefined {
  let value: number | undefined;
  for (const m of text.matchAll(re)) value = Number(m[1]);
  return value;
}

export function geminiUsageOf(tail: string): TokenUsage | undefined {
  const promptTokens = lastCount(tail, /"promptTokenCount"\s*:\s*(\d+)/g);
  const completionTokens = lastCount(tail, /"candidatesTokenCount"\s*:\s*(\d+)/g);
  if (promptTokens === undefined && completionTokens === undefined) return undefined;
  return { promptTokens, completionTokens };
}
