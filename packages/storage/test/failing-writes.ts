/**
 * Writers that die mid-write, for the conformance suite's `shared` factory: a write budget whose
 * every write past `failAfter` throws (and keeps throwing), applied to an unstorage instance, an
 * ioredis client, a KV binding or a D1 binding. Workerd-safe (no Node APIs).
 */
import type { Storage as Unstorage } from "unstorage";

/** Counts writes; the one after `failAfter` and all later ones throw. */
export function writeBudget(failAfter: number): () => void {
  let writes = 0;
  return () => {
    if (++writes > failAfter) throw new Error(`simulated crash: driver write ${writes} after ${failAfter}`);
  };
}

/** Wraps methods of `target` so each call spends one write of `spend` first. */
export function failing<T extends object>(target: T, methods: string[], spend: () => void): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver);
      if (typeof value !== "function") return value;
      if (typeof prop === "string" && methods.includes(prop))
        return async (...args: unknown[]) => {
          spend();
          return value.apply(obj, args);
        };
      return value.bind(obj);
    },
  });
}

/** An unstorage instance whose setItem/removeItem fail after `failAfter` writes. */
export function failingUnstorage(store: Unstorage, failAfter: number): Unstorage {
  return failing(store, ["setItem", "removeItem", "setItems", "removeItems"], writeBudget(failAfter));
}
