/**
 * Exact counters for a storage that lives in one process (memory): every increment runs to
 * completion on the one JavaScript thread, so a limit of N admits exactly N however many
 * requests race. Expired counters are swept as new ones are created.
 */
import type { CounterStore } from "@keyhive/gateway";

export interface LocalCountersOptions {
  /** Clock, for tests. @default Date.now */
  now?: () => number;
}

export function createLocalCounters(options: LocalCountersOptions = {}): CounterStore {
  const now = options.now ?? Date.now;
  const counters = new Map<string, { value: number; expiresAt: number }>();
  let nextSweep = 0;
  const live = (name: string, at: number) => {
    const counter = counters.get(name);
    if (counter && counter.expiresAt <= at) {
      counters.delete(name);
      return undefined;
    }
    return counter;
  };
  const sweep = (at: number) => {
    if (at < nextSweep) return;
    nextSweep = at + 60_000;
    for (const [name, counter] of counters) if (counter.expiresAt <= at) counters.delete(name);
  };
  return {
    async increment(name, amount, { ttlMs, limit }) {
      const at = now();
      const counter = live(name, at);
      const value = counter?.value ?? 0;
      if (limit !== undefined && amount > 0 && value + amount > limit) return { applied: false, value };
      if (counter) counter.value += amount;
      else {
        sweep(at);
        counters.set(name, { value: amount, expiresAt: at + Math.max(1, ttlMs) });
      }
      return { applied: true, value: value + amount };
    },
    async get(name) {
      return live(name, now())?.value ?? 0;
    },
  };
}
