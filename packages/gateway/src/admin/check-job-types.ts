/** The shapes of batch check jobs: settings, state, views and events. */
import type * as z from "zod/mini";
import type { KeyPool } from "../pool/key-pool.js";
import type { Provider } from "../spec/provider.js";
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

/** What may change while a job runs (`PATCH /admin/api/checks/{id}`). */
export type CheckJobUpdate = Partial<Pick<CheckJobSettings, "concurrency" | "interval">>;

/** A job as persisted between `/step` calls where no background work exists (Workers). */
export interface CheckJobState {
  id: string;
  ids: string[];
  settings: CheckJobSettings;
  /** Counts settings changes, so an isolate holding the job in memory adopts a newer one. */
  settingsRevision?: number;
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
