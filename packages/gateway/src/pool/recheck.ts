/**
 * Re-checks keys whose `nextCheckAt` has come (invalid and exhausted keys come back when the
 * check passes: the half-open probe), bounded by concurrency and a per-invocation budget so a
 * Workers cron stays within its subrequest limit. Node calls it from a timer.
 */
import type { Provider } from "../spec/provider.js";
import type { KeyRecord } from "../spec/storage.js";
import type { KeyPool } from "./key-pool.js";

export interface RecheckOptions {
  /** Checks in flight at once. @default 4 */
  concurrency?: number;
  /** Most checks this invocation (each is one or two upstream requests). @default 40 */
  budget?: number;
  /** Only these keys (admin-triggered checks); otherwise every key that is due. */
  ids?: string[];
  signal?: AbortSignal;
}

export interface RecheckReport {
  checked: number;
  /** Keys still due after this invocation (the budget ran out). */
  remaining: number;
  results: Record<"valid" | "exhausted" | "invalid" | "error", number>;
}

export async function recheckKeys(
  pool: KeyPool,
  providers: ReadonlyMap<string, Provider>,
  options: RecheckOptions = {},
  now: () => number = Date.now,
): Promise<RecheckReport> {
  const at = now();
  const due = options.ids
    ? options.ids.map((id) => pool.get(id)).filter((r): r is KeyRecord => r !== undefined)
    : pool
        .keysOf()
        .filter((r) => r.status !== "disabled" && (r.nextCheckAt ?? 0) <= at)
        .sort((a, b) => (a.nextCheckAt ?? 0) - (b.nextCheckAt ?? 0));
  const budget = options.budget ?? 40;
  const batch = due.slice(0, budget);
  const report: RecheckReport = {
    checked: 0,
    remaining: due.length - batch.length,
    results: { valid: 0, exhausted: 0, invalid: 0, error: 0 },
  };
  let next = 0;
  const worker = async () => {
    while (next < batch.length && !options.signal?.aborted) {
      const record = batch[next++] as KeyRecord;
      const provider = providers.get(record.provider);
      if (!provider) continue;
      const result = await provider
        .checkKey(pool.toPoolKey(record), { signal: options.signal })
        .catch((error: unknown) => ({ status: "error" as const, message: String(error) }));
      pool.reportCheck(record.id, result);
      report.checked++;
      report.results[result.status]++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, batch.length) }, worker));
  await pool.flush();
  return report;
}
