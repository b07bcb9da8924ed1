/** The check jobs of an instance, in memory or persisted between steps (Workers). */
import { randomSecret } from "../util/crypto.js";
import {
  CheckJob,
  type CheckJobDeps,
  type CheckJobSettings,
  type CheckJobState,
  type CheckJobUpdate,
} from "./check-job.js";

export {
  type CheckEvent,
  type CheckInterval,
  CheckJob,
  type CheckJobDeps,
  type CheckJobSettings,
  type CheckJobState,
  type CheckJobUpdate,
  type CheckJobView,
  type CheckResultEvent,
  type JobStatus,
} from "./check-job.js";

/** Where jobs are persisted when they cannot run in the background. */
export interface JobStore {
  get<T>(name: string): Promise<T | undefined>;
  set(name: string, value: unknown): Promise<void>;
}

/** Storage name of a persisted job. */
export const jobName = (id: string) => `job.check.${id}`;

export interface CheckJobsOptions extends CheckJobDeps {
  /** Run jobs by themselves (Node); false on Workers, where `/step` drives them. */
  background: boolean;
  /** Persists jobs between steps when `background` is false (the settings store). */
  store?: JobStore;
}

/**
 * The jobs of this instance. With background work they live in memory and finished ones are
 * kept for a while so late viewers see results. Without it (Workers) storage is the truth:
 * every read loads the job, every step and stop saves it, so any isolate can take the next step.
 */
export class CheckJobs {
  private readonly jobs = new Map<string, CheckJob>();

  constructor(private readonly options: CheckJobsOptions) {}

  private get persisted(): JobStore | undefined {
    return this.options.background ? undefined : this.options.store;
  }

  async start(ids: readonly string[], settings: CheckJobSettings): Promise<CheckJob> {
    const job = new CheckJob(randomSecret("chk-", 9), ids, settings, this.options);
    this.remember(job);
    if (this.persisted) await this.save(job);
    else if (job.status === "running") job.run().catch((error) => this.options.onError?.(error));
    return job;
  }

  async get(id: string): Promise<CheckJob | undefined> {
    const store = this.persisted;
    if (!store) return this.jobs.get(id);
    const state = await store.get<CheckJobState>(jobName(id));
    if (!state || typeof state !== "object" || !Array.isArray(state.ids)) return this.jobs.get(id);
    const local = this.jobs.get(id);
    // A local job that is further along (or mid-step) is fresher than storage, except for
    // settings another isolate changed since.
    if (local && local.view().done >= state.done) {
      const revision = state.settingsRevision ?? 0;
      if (revision > local.settingsRevision) local.update(state.settings, revision);
      return local;
    }
    const job = CheckJob.restore(state, this.options);
    this.remember(job);
    return job;
  }

  /** Runs a bounded chunk of a job and saves its progress. */
  async step(job: CheckJob, budget: number): Promise<void> {
    if (job.status === "running") await job.run(budget);
    if (this.persisted) await this.save(job);
  }

  /** Changes a running job's concurrency or interval (where jobs are persisted, for every isolate). */
  async update(job: CheckJob, change: CheckJobUpdate): Promise<void> {
    job.update(change);
    if (this.persisted) await this.save(job);
  }

  async stop(job: CheckJob): Promise<void> {
    job.stop();
    if (this.persisted) await this.save(job);
  }

  list(): CheckJob[] {
    return [...this.jobs.values()];
  }

  private save(job: CheckJob): Promise<void> {
    return (this.persisted as JobStore).set(jobName(job.id), job.snapshot());
  }

  private remember(job: CheckJob): void {
    this.jobs.set(job.id, job);
    const finished = [...this.jobs.values()].filter((j) => j.status !== "running");
    for (const old of finished.slice(0, Math.max(0, this.jobs.size - 20))) this.jobs.delete(old.id);
  }
}
