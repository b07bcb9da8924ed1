import { useEffect, useRef, useState } from "preact/hooks";
import { api, errorText } from "../lib/api.js";
import type { CheckResult, Job } from "../lib/types.js";

/** A running check job as the page sees it, with a way to stop it. */
export function useCheckJob(
  jobId: string,
  onResult: (result: CheckResult) => void,
  onFinished: () => void,
): {
  job: Job | null;
  error: string | null;
  stop: () => Promise<void>;
  update: (change: JobChange) => Promise<void>;
} {
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The job is followed once per id; the latest callbacks are read when events arrive.
  const handlers = useRef({ onResult, onFinished });
  handlers.current = { onResult, onFinished };

  useEffect(
    () =>
      followJob(jobId, {
        progress: setJob,
        result: (result) => handlers.current.onResult(result),
        finished: (final) => {
          setJob(final);
          handlers.current.onFinished();
        },
        error: setError,
      }),
    [jobId],
  );

  const stop = async () => {
    try {
      setJob(await api<Job>(`/admin/api/checks/${encodeURIComponent(jobId)}/stop`, { json: {} }));
    } catch (e) {
      setError(errorText(e));
    }
  };
  /** Changes the running job's concurrency or interval (`PATCH /admin/api/checks/{jobId}`). */
  const update = async (change: JobChange) => {
    try {
      setError(null);
      setJob(await api<Job>(`/admin/api/checks/${encodeURIComponent(jobId)}`, { method: "PATCH", json: change }));
    } catch (e) {
      setError(errorText(e));
    }
  };
  return { job, error, stop, update };
}

/** What may change while a job runs. */
export type JobChange = { concurrency?: number; interval?: Job["settings"]["interval"] };

interface JobListener {
  progress(job: Job): void;
  result(result: CheckResult): void;
  /** Called once, with the job's final state. */
  finished(job: Job): void;
  error(message: string): void;
}

/**
 * Follows a check job from its SSE stream. When the stream is unavailable (a proxy that buffers,
 * or Workers where the UI must drive the job) it polls and drives `step`. Returns the unsubscribe.
 */
function followJob(jobId: string, on: JobListener): () => void {
  const base = `/admin/api/checks/${encodeURIComponent(jobId)}`;
  let finished = false;
  let poll: ReturnType<typeof setInterval> | undefined;
  const finish = (final: Job) => {
    if (finished) return;
    finished = true;
    on.finished(final);
    source.close();
    if (poll) clearInterval(poll);
  };
  // Where nothing runs jobs in the background (Workers), the API marks the job `needsSteps`
  // and this page drives it, one bounded `step` at a time, while it is open.
  let driving = false;
  const drive = async () => {
    if (driving) return;
    driving = true;
    try {
      while (!finished) {
        const current = await api<Job>(`${base}/step`, { json: {} });
        if (current.status === "running") on.progress(current);
        else finish(current);
      }
    } catch (e) {
      on.error(errorText(e));
    }
  };
  const seen = (current: Job) => {
    if (current.needsSteps && current.status === "running") drive();
  };
  const source = new EventSource(`${base}/events`);
  source.addEventListener("progress", (e) => {
    const current = JSON.parse((e as MessageEvent).data) as Job;
    on.progress(current);
    seen(current);
  });
  source.addEventListener("result", (e) => on.result(JSON.parse((e as MessageEvent).data)));
  source.addEventListener("done", (e) => finish(JSON.parse((e as MessageEvent).data)));
  source.onerror = () => {
    if (finished || poll) return;
    source.close();
    // Fall back to polling; drive the job in bounded steps in case nothing runs it in the background.
    let lastDone = -1;
    poll = setInterval(async () => {
      try {
        let current = await api<Job>(base);
        if (current.status === "running" && current.done === lastDone) {
          current = await api<Job>(`${base}/step`, { json: {} });
        }
        lastDone = current.done;
        seen(current);
        if (current.status === "running") on.progress(current);
        else finish(current);
      } catch (e) {
        on.error(errorText(e));
      }
    }, 1000);
  };
  return () => {
    finished = true;
    source.close();
    if (poll) clearInterval(poll);
  };
}
