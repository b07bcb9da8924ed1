/**
 * Selection strategies. A strategy is a function from the usable candidates to one of them;
 * it must not allocate per call or scan the whole pool in the common case, so selection stays
 * O(1) (random, round-robin, least-recently-used) or O(log n) (weighted) as pools grow.
 */

/** What a strategy sees of a key. */
export interface Candidate {
  readonly id: string;
  readonly weight: number;
  readonly balance?: number;
}

export interface CandidateList<C extends Candidate = Candidate> {
  readonly items: readonly C[];
  /** Changes whenever `items` changes, so strategies can cache derived indexes. */
  readonly version: number;
}

/**
 * Picks one candidate for which `usable` returns true, or undefined. `usable` rejects keys this
 * request already tried and keys cooling for this model.
 */
export type SelectionStrategy = <C extends Candidate>(
  candidates: CandidateList<C>,
  usable: (candidate: C) => boolean,
) => C | undefined;

/** After this many random misses, scan: keeps the common case O(1) and the worst case correct. */
const RANDOM_TRIES = 8;

function scanFrom<C extends Candidate>(items: readonly C[], start: number, usable: (c: C) => boolean): C | undefined {
  for (let i = 0; i < items.length; i++) {
    const candidate = items[(start + i) % items.length] as C;
    if (usable(candidate)) return candidate;
  }
  return undefined;
}

/** Uniform random choice (the default). */
export function random(rand: () => number = Math.random): SelectionStrategy {
  return ({ items }, usable) => {
    const n = items.length;
    if (n === 0) return undefined;
    for (let i = 0; i < RANDOM_TRIES; i++) {
      const candidate = items[Math.floor(rand() * n)];
      if (candidate && usable(candidate)) return candidate;
    }
    return scanFrom(items, Math.floor(rand() * n), usable);
  };
}

/** Strict rotation through the candidates in pool order. */
export function roundRobin(): SelectionStrategy {
  let cursor = 0;
  return ({ items }, usable) => {
    const n = items.length;
    if (n === 0) return undefined;
    for (let i = 0; i < n; i++) {
      const index = cursor++ % n;
      const candidate = items[index];
      if (candidate && usable(candidate)) return candidate;
    }
    return undefined;
  };
}

export interface WeightedOptions {
  /** Weight by the key's `weight` (default) or by its last known balance. */
  by?: "weight" | "balance";
  rand?: () => number;
}

/** Random choice proportional to weight (or balance); O(log n) by binary search of prefix sums. */
export function weighted(options: WeightedOptions = {}): SelectionStrategy {
  const rand = options.rand ?? Math.random;
  const weightOf = (c: Candidate) => Math.max(0, options.by === "balance" ? (c.balance ?? 0) : c.weight);
  let cachedFor: readonly Candidate[] | undefined;
  let cachedVersion = -1;
  let prefix: Float64Array = new Float64Array(0);
  return (list, usable) => {
    const { items, version } = list;
    if (items.length === 0) return undefined;
    if (cachedFor !== items || cachedVersion !== version) {
      prefix = new Float64Array(items.length);
      let sum = 0;
      for (let i = 0; i < items.length; i++) prefix[i] = sum += weightOf(items[i] as Candidate);
      cachedFor = items;
      cachedVersion = version;
    }
    const total = prefix[prefix.length - 1] ?? 0;
    if (total <= 0) return random(rand)(list, usable);
    for (let i = 0; i < RANDOM_TRIES; i++) {
      const target = rand() * total;
      let lo = 0;
      let hi = prefix.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((prefix[mid] as number) > target) hi = mid;
        else lo = mid + 1;
      }
      const candidate = items[lo];
      if (candidate && weightOf(candidate) > 0 && usable(candidate)) return candidate;
    }
    return scanFrom(items, 0, (c) => weightOf(c) > 0 && usable(c)) ?? scanFrom(items, 0, usable);
  };
}

/**
 * The key this instance selected longest ago. A Map keeps insertion order, so moving a key to
 * the end on use makes the first entry the least recently used: O(1) per selection.
 */
export function leastRecentlyUsed(): SelectionStrategy {
  const order = new Map<string, Candidate>();
  let syncedFor: readonly Candidate[] | undefined;
  let syncedVersion = -1;
  return (list, usable) => {
    const { items, version } = list;
    if (syncedFor !== items || syncedVersion !== version) {
      const byId = new Map(items.map((c) => [c.id, c] as const));
      const used = [...order.keys()].filter((id) => byId.has(id));
      order.clear();
      // Keys never used by this instance go first, in pool order; then the used ones, oldest first.
      const usedSet = new Set(used);
      for (const c of items) if (!usedSet.has(c.id)) order.set(c.id, c);
      for (const id of used) order.set(id, byId.get(id) as Candidate);
      syncedFor = items;
      syncedVersion = version;
    }
    for (const [id, candidate] of order) {
      if (usable(candidate as never)) {
        order.delete(id);
        order.set(id, candidate);
        return candidate as never;
      }
    }
    return undefined;
  };
}

export const strategies = { random, roundRobin, weighted, leastRecentlyUsed };
export type StrategyName = "random" | "round-robin" | "weighted" | "weighted-balance" | "least-recently-used";

export function strategyByName(name: StrategyName): SelectionStrategy {
  switch (name) {
    case "round-robin":
      return roundRobin();
    case "weighted":
      return weighted();
    case "weighted-balance":
      return weighted({ by: "balance" });
    case "least-recently-used":
      return leastRecentlyUsed();
    default:
      return random();
  }
}
