/**
 * Coalesces key patches in memory and writes them in the background, so the hot path never
 * waits on storage and a burst of failures on one key becomes one write.
 */
import type { KeyPatch, KeyStore } from "../spec/storage.js";

export interface WriteBehindOptions {
  keys: KeyStore;
  /** How long patches gather before a flush. @default 250 */
  delayMs?: number;
  /** Registers background work with the runtime (Workers `ctx.waitUntil`). */
  onError?: (error: unknown) => void;
}

export class WriteBehind {
  private pending = new Map<string, KeyPatch>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inflight: Promise<void> = Promise.resolve();
  /** Storage writes issued since start (a benchmark figure). */
  writes = 0;

  constructor(private readonly options: WriteBehindOptions) {}

  /** Queues a patch; later patches of the same key merge over earlier ones. */
  enqueue(id: string, patch: KeyPatch): void {
    const previous = this.pending.get(id);
    this.pending.set(id, previous ? mergePatch(previous, patch) : patch);
    if (!this.timer) this.timer = setTimeout(() => void this.flush(), this.options.delayMs ?? 250);
  }

  /** The patch still waiting for a key, if any. */
  pendingFor(id: string): KeyPatch | undefined {
    return this.pending.get(id);
  }

  get size(): number {
    return this.pending.size;
  }

  /** Writes everything queued; resolves when storage has it. Safe to call concurrently. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = new Map();
    const run = this.inflight.then(async () => {
      for (const [id, patch] of batch) {
        try {
          this.writes++;
          await this.options.keys.patch(id, patch);
        } catch (error) {
          this.options.onError?.(error);
        }
      }
    });
    this.inflight = run;
    return run;
  }
}

function mergePatch(a: KeyPatch, b: KeyPatch): KeyPatch {
  const merged: KeyPatch = { ...a, ...b };
  if (a.modelCooldowns && b.modelCooldowns) merged.modelCooldowns = { ...a.modelCooldowns, ...b.modelCooldowns };
  return merged;
}
