/**
 * One batch check job: a queue of key ids worked by `concurrency` workers, with an interval
 * between checks, retries of checks that could not complete, live progress for subscribers and
 * a stop switch. Results go to the pool (`reportCheck`) and are written as they arrive.
 *
 * On Node a job runs by itself in the background. On Workers nothing outlives a request, so
 * `run(budget)` works a bounded chunk per call (the `/step` route, driven by the UI or a cron).
 */
import type * as z from "zod/mini";
import type { KeyPool } from "../pool/key-pool.js";
import type { KeyCheckResult, Provider } from "../spec/provider.js";
import { redact } from "../util/mask.js";
import type { checkJobView, checkResultEvent } from "./schemas/checks.js";

export type CheckInterval = { mode: "fixed"; ms: number } | { mode: "random"; minMs: number; maxMs: number };

export interface CheckJobSettings {
  /** Checks in flight at once. @default 10 */
  concurrency: number;
  /** Pause of each worker after a check. @default { mode: "random", minMs: 500, maxMs: 1500 } */
  interval: CheckInterval;
  /** Extra attempts for a check that could not complete (network error, 5xx). @default 1 */
  retries: number;
  /** @default 2000 */
  retryIntervalMs: number;
  /** Time limit of one check. @default 30000 */
  timeoutMs?: number;
}

export type JobStatus = "running" | "stopped" | "done";

/** A job's progress as the API shows it (the shape is in `schemas/checks.ts`). */
export type CheckJobView = z.output<typeof checkJobView>;

/** One checked key, as subscribers and the event stream see it. */
export type CheckResultEvent = z.output<typeof checkResultEvent>;

export type CheckEvent =
  | { type: "progress"; job: CheckJobView }
  | { type: "result"; result: CheckResultEvent }
  | { type: "done"; job: CheckJobView };

/** A job as persisted between `/step` calls where no background work exists (Workers). */
export interface CheckJobState {
  id: string;
  ids: string[];
  settings: CheckJobSettings;
  status: JobStatus;
  next: number;
  done: number;
  results: CheckJobView["results"];
  startedAt: number;
  finishedAt?: number;
}

export interface CheckJobDeps {
  pool: KeyPool;
  providers: ReadonlyMap<string, Provider>;
  now: () => number;
  onError?: (error: unknown) => void;
  /** @default Math.random */
  random?: () => number;
  /** Whether jobs run by themselves; when false a client or cron must call `/step`. @default true */
  background?: boolean;
}

export class CheckJob {
  status: JobStatus = "running";
  startedAt: number;
  finishedAt: number | undefined;
  private readonly queue: string[];
  private next = 0;
  private done = 0;
  private results: CheckJobView["results"] = { valid: 0, exhausted: 0, invalid: 0, error: 0, missing: 0 };
  private readonly subscribers = new Set<(event: CheckEvent) => void>();
  private readonly controller = new AbortController();
  private running: Promise<void> | undefined;
  private lastProgressAt = 0;

  constructor(
    readonly id: string,
    ids: readonly string[],
    readonly settings: CheckJobSettings,
    private readonly deps: CheckJobDeps,
  ) {
    this.queue = [...ids];
    this.startedAt = deps.now();
    if (this.queue.length === 0) this.finish("done");
  }

  get total(): number {
    return this.queue.length;
  }

  /** Continues a persisted job (Workers: each `/step` may land on another isolate). */
  static restore(state: CheckJobState, deps: CheckJobDeps): CheckJob {
    const job = new CheckJob(state.id, state.ids, state.settings, deps);
    job.status = state.status;
    job.next = state.next;
    job.done = state.done;
    job.results = { ...state.results };
    job.startedAt = state.startedAt;
    job.finishedAt = state.finishedAt;
    return job;
  }

  /** What to persist between steps (taken after a step, when no check is in flight). */
  snapshot(): CheckJobState {
    return {
      id: this.id,
      ids: this.queue,
      settings: this.settings,
      status: this.status,
      next: this.next,
      done: this.done,
      results: { ...this.results },
      startedAt: this.startedAt,
      ...(this.finishedAt !== undefined ? { finishedAt: this.finishedAt } : {}),
    };
  }

  view(): CheckJobView {
    const end = this.finishedAt ?? this.deps.now();
    const elapsedSec = Math.max(0, (end - this.startedAt) / 1000);
    const ratePerSec = elapsedSec > 0 ? this.done / elapsedSec : 0;
    const remaining = this.total - this.done;
    return {
      id: this.id,
      status: this.status,
      total: this.total,
      done: this.done,
      ok: this.results.valid,
      failed: this.done - this.results.valid,
      results: { ...this.results },
      ratePerSec: Math.round(ratePerSec * 100) / 100,
      etaSec: this.status !== "running" ? 0 : ratePerSec > 0 ? Math.ceil(remaining / ratePerSec) : null,
      elapsedSec: Math.round(elapsedSec * 10) / 10,
      startedAt: this.startedAt,
      ...(this.finishedAt !== undefined ? { finishedAt: this.finishedAt } : {}),
      needsSteps: this.deps.background === false && this.status === "running",
    };
  }

  /** Receives every event from now on; returns the unsubscribe function. */
  subscribe(listener: (event: CheckEvent) => void): () => void {
    this.subscribers.add(listener);
    return () => this.subscribers.delete(listener);
  }

  stop(): void {
    if (this.status !== "running") return;
    this.controller.abort(new Error("check job stopped"));
    this.finish("stopped");
  }

  /**
   * Works the queue until it is empty, the job stops, or `budget` check attempts were made
   * (retries count). Concurrent calls share one run.
   */
  run(budget = Number.POSITIVE_INFINITY): Promise<void> {
    this.running ??= this.work(budget).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async work(budget: number): Promise<void> {
    let attempts = 0;
    const { pool, providers } = this.deps;
    const worker = async () => {
      while (this.status === "running" && this.next < this.queue.length && attempts < budget) {
        const id = this.queue[this.next++] as string;
        const record = pool.get(id);
        const provider = record && providers.get(record.provider);
        if (!record || !provider) {
          this.record({ id, status: "invalid", result: "missing", message: "key no longer exists" });
          continue;
        }
        let result: KeyCheckResult;
        for (let attempt = 0; ; attempt++) {
          attempts++;
          result = await this.checkOnce(provider, record.id);
          if (result.status !== "error" || attempt >= this.settings.retries || this.status !== "running") break;
          if (attempts >= budget) break;
          await this.pause(this.settings.retryIntervalMs);
        }
        if (this.status !== "running") break; // stopped mid-check: the result is not reported
        const after = pool.reportCheck(record.id, result);
        // Persist as results arrive: the write-behind queue coalesces these into few writes.
        pool.flushWrites().catch((error) => this.deps.onError?.(error));
        this.record({
          id,
          status: after?.status ?? "invalid",
          result: result.status,
          ...(result.status === "valid" || result.status === "exhausted" ? { balance: result.balance } : {}),
          ...(result.message ? { message: redact(result.message, [record.secret]) } : {}),
        });
        if (this.next < this.queue.length) await this.pause(this.intervalMs());
      }
    };
    const workers = Math.max(1, Math.min(this.settings.concurrency, this.queue.length - this.next));
    await Promise.all(Array.from({ length: workers }, worker));
    await pool.flush().catch((error) => this.deps.onError?.(error));
    if (this.status === "running" && this.done >= this.total) this.finish("done");
    else this.emit({ type: "progress", job: this.view() });
  }

  private async checkOnce(provider: Provider, id: string): Promise<KeyCheckResult> {
    const record = this.deps.pool.get(id);
    if (!record) return { status: "error", message: "key no longer exists" };
    const signal = AbortSignal.any([this.controller.signal, AbortSignal.timeout(this.settings.timeoutMs ?? 30_000)]);
    try {
      return await provider.checkKey(this.deps.pool.toPoolKey(record), { signal });
    } catch (error) {
      return { status: "error", message: error instanceof Error ? error.message : String(error) };
    }
  }

  private record(result: CheckResultEvent): void {
    this.done++;
    this.results[result.result]++;
    this.emit({ type: "result", result });
    const now = this.deps.now();
    if (now - this.lastProgressAt >= 100 || this.done === this.total) {
      this.lastProgressAt = now;
      this.emit({ type: "progress", job: this.view() });
    }
  }

  private finish(status: "done" | "stopped"): void {
    this.status = status;
    this.finishedAt = this.deps.now();
    this.emit({ type: "done", job: this.view() });
    this.subscribers.clear();
  }

  private emit(event: CheckEvent): void {
    for (const listener of this.subscribers) {
      try {
        listener(event);
      } catch (error) {
        this.deps.onError?.(error);
      }
    }
  }

  private intervalMs(): number {
    const interval = this.settings.interval;
    if (interval.mode === "fixed") return interval.ms;
    const random = this.deps.random ?? Math.random;
    return interval.minMs + Math.floor(random() * (interval.maxMs - interval.minMs + 1));
  }

  /** Sleeps, waking early when the job stops. */
  private pause(ms: number): Promise<void> {
    if (ms <= 0 || this.controller.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.controller.signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.controller.signal.addEventListener("abort", done, { once: true });
    });
  }
}
