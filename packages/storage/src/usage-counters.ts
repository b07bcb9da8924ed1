/** Usage counters as every driver sums them: per-instance shards are added up at query time. */
import type { UsageRow } from "@keyhive/gateway";

export function emptyCounters(): UsageRow["counters"] {
  return { requests: 0, successes: 0, failures: {}, promptTokens: 0, completionTokens: 0 };
}

export function addCounters(into: UsageRow["counters"], from: UsageRow["counters"]): void {
  into.requests += from.requests;
  into.successes += from.successes;
  into.promptTokens += from.promptTokens;
  into.completionTokens += from.completionTokens;
  for (const [kind, n] of Object.entries(from.failures)) into.failures[kind] = (into.failures[kind] ?? 0) + n;
}
