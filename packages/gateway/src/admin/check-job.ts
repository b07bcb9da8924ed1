/**
 * One batch check job: a queue of key ids worked by `concurrency` workers, with an interval
 * between checks, retries of checks that could not complete, live progress for subscribers and
 * a stop switch. Results go to the pool (`reportCheck`) and are written as they arrive.
 *
 * On Node a job runs by itself in the background. On Workers nothing outlives a request, so
 * `run(budget)` works a bounded chunk per call (the `/step` route, driven by the UI or a cron).
 */
import type { KeyCheckResult, Provider } from "../spec/provider.js";
import { redact } from "../util/mask.js";
import type {
  CheckEvent,
  CheckJobDeps,
  CheckJobSettings,
  CheckJobState,
  CheckJobUpdate,
  CheckJobView,
  CheckResultEvent,
  JobStatus,
} from "./check-job-types.js";

export type * from "./check-job-types.js";

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
  private current: CheckJobSettings;
  private revision = 0;
  /** Workers of the current run; more are started when concurrency is raised mid-run. */
  private workers = 0;
  private addWorkers: (() => void) | undefined;
  /** Wakes workers waiting out an interval, so a changed interval applies to that wait. */
  private readonly settingsChanged = new Set<() => void>();

  constructor(
    readonly id: string,
    ids: readonly string[],
    settings: CheckJobSettings,
    private readonly deps: CheckJobDeps,
  ) {
    this.current = { ...settings };
    this.queue = [...ids];
    this.startedAt = deps.now();
    if (this.queue.length === 0) this.finish("done");
  }

  get total(): number {
    return this.queue.length;
  }

  get settings(): CheckJobSettings {
    return this.current;
  }

  get settingsRevision(): number {
    return this.revision;
  }

  /**
   * Changes a running job's pace. A higher concurrency starts workers now; a lower one lets
   * workers end after their current check. A new interval applies to waits under way too.
   */
  update(change: CheckJobUpdate, revision = this.revision + 1): void {
    this.current = { ...this.current, ...change };
    this.revision = revision;
    this.addWorkers?.();
    for (const wake of this.settingsChanged) wake();
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
    job.revision = state.settingsRevision ?? 0;
    return job;
  }

  /** What to persist between steps (taken after a step, when no check is in flight). */
  snapshot(): CheckJobState {
    return {
      id: this.id,
      ids: this.queue,
      settings: this.settings,
      settingsRevision: this.revision,
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
      settings: {
        concurrency: this.settings.concurrency,
        interval: this.settings.interval,
        retries: this.settings.retries,
        retryIntervalMs: this.settings.retryIntervalMs,
      },
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
    // A worker leaves when there are more workers than the (possibly lowered) concurrency.
    const surplus = () => this.workers > this.settings.concurrency;
    const worker = async () => {
      while (this.status === "running" && this.next < this.queue.length && attempts < budget && !surplus()) {
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
        if (this.next < this.queue.length && !surplus()) await this.waitInterval();
      }
    };
    await new Promise<void>((resolve) => {
      const started = (run: Promise<void>) =>
        run.finally(() => {
          if (--this.workers === 0) resolve();
        });
      this.addWorkers = () => {
        const wanted = Math.min(this.settings.concurrency, this.queue.length - this.next);
        while (this.workers < wanted && attempts < budget) {
          this.workers++;
          void started(worker());
        }
      };
      this.addWorkers();
      if (this.workers === 0) resolve();
    });
    this.addWorkers = undefined;
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

  /** Waits the interval; when the interval changes meanwhile, the wait is measured against the new one. */
  private async waitInterval(): Promise<void> {
    const start = Date.now();
    for (;;) {
      const revision = this.revision;
      const left = start + this.intervalMs() - Date.now();
      if (left <= 0) return;
      await this.pause(left, true);
      if (this.revision === revision || this.status !== "running") return;
    }
  }

  /** Sleeps, waking early when the job stops (or, if `wakeOnChange`, when its settings change). */
  private pause(ms: number, wakeOnChange = false): Promise<void> {
    if (ms <= 0 || this.controller.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.controller.signal.removeEventListener("abort", done);
        this.settingsChanged.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.controller.signal.addEventListener("abort", done, { once: true });
      if (wakeOnChange) this.settingsChanged.add(done);
    });
  }
}
