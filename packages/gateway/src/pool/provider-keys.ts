/**
 * One provider's keys, indexed for selection: the keys that may serve now, the same plus the
 * exhausted ones (free models), and a heap of cooling keys by the time they may serve again.
 */
import type { KeyRecord } from "../spec/storage.js";
import { IndexedList } from "./indexed-list.js";
import { MinHeap } from "./min-heap.js";

export type Selection =
  | { ok: true; key: KeyRecord }
  | { ok: false; reason: "cooling"; retryAfterMs: number }
  | { ok: false; reason: "empty" };

export class ProviderKeys {
  readonly serving = new IndexedList<KeyRecord>();
  /** Serving keys plus exhausted ones: candidates for free models. */
  readonly servingOrExhausted = new IndexedList<KeyRecord>();
  readonly cooling = new MinHeap();

  /** Files a key (new or changed) under the lists its status puts it in. */
  place(live: KeyRecord, now: number): void {
    const serving = live.status === "active" || (live.status === "cooling" && (live.cooldownUntil ?? 0) <= now);
    if (serving) this.serving.add(live);
    else this.serving.remove(live.id);
    if (serving || live.status === "exhausted") this.servingOrExhausted.add(live);
    else this.servingOrExhausted.remove(live.id);
    if (live.status === "cooling" && !serving) this.cooling.push(live.cooldownUntil ?? now, live.id);
  }

  remove(id: string): void {
    this.serving.remove(id);
    this.servingOrExhausted.remove(id);
  }

  /** Puts keys whose cooldown ended back in service; `get` finds a key's current record. */
  releaseCooled(now: number, get: (id: string) => KeyRecord | undefined): void {
    for (let top = this.cooling.peek(); top && top.at <= now; top = this.cooling.peek()) {
      this.cooling.pop();
      const record = get(top.id);
      // Stale heap entries (the key changed since) are skipped; place() re-checks the status.
      if (record && record.status === "cooling" && (record.cooldownUntil ?? 0) <= now) this.place(record, now);
    }
  }

  /** Why no candidate could serve: some cool (and when the soonest is free), or none exists. */
  explainEmpty(
    candidates: readonly KeyRecord[],
    now: number,
    model: string | undefined,
    exclude: ReadonlySet<string> | undefined,
  ): Selection {
    // Only on the failure path: a scan is fine here.
    let soonest = Number.POSITIVE_INFINITY;
    const top = this.cooling.peek();
    if (top) soonest = top.at;
    if (model) {
      for (const record of candidates) {
        if (exclude?.has(record.id)) continue;
        const until = record.modelCooldowns?.[model];
        if (until !== undefined && until > now) soonest = Math.min(soonest, until);
      }
    }
    if (Number.isFinite(soonest)) return { ok: false, reason: "cooling", retryAfterMs: Math.max(0, soonest - now) };
    return { ok: false, reason: "empty" };
  }
}
