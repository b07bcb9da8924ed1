/**
 * The CLI's long runs — export, import, migrate — with progress on stderr, a summary at the end,
 * and a clean stop on SIGINT/SIGTERM: the chunk being written is finished, what was done is
 * printed with how to resume, and the exit code says the run did not finish (128 + signal).
 */
import { constants } from "node:os";
import type { Storage } from "@keyhive/gateway";
import { type BackupCounts, exportStore } from "./backup.js";
import { ImportError, type ImportResult, importStore, NO_FAILURES } from "./backup-import.js";
import { createProgress, importProgressLine, importSummaryLine, type Progress, shortfall } from "./cli-progress.js";

export interface RunSettings {
  includeAuth: boolean;
  /** Least time between progress lines; 0 prints one per chunk. */
  progressMs: number;
}

const RESUME =
  "run the same command again to resume: keys and history entries already in the target are skipped " +
  "(and counted as skipped), tokens and settings are written again";

/** Streams `source` to stdout as a backup; progress and the summary go to stderr. */
export async function runExport(source: Storage, settings: RunSettings): Promise<number> {
  const progress = createProgress({ intervalMs: settings.progressMs });
  let done: BackupCounts = { ...NO_FAILURES };
  const lines = exportStore(source, {
    includeAuth: settings.includeAuth,
    announceCounts: true,
    onProgress: (exported) => {
      done = exported;
      const total = exported.announced ? `/${exported.announced.keys}` : "";
      progress.tick(() => `keys ${exported.keys}${total} exported`);
    },
  });
  for await (const line of lines) {
    if (!process.stdout.write(line)) await new Promise((resolve) => process.stdout.once("drain", resolve));
  }
  const { keys, tokens, settings: named, history } = done;
  progress.say(
    `exported in ${progress.elapsed()}: keys ${keys}, tokens ${tokens}, settings ${named}, history ${history}`,
  );
  return 0;
}

/** import and migrate: backup lines into `target`. Returns the exit code. */
export async function runImport(
  target: Storage,
  input: AsyncIterable<string | Uint8Array>,
  settings: RunSettings,
): Promise<number> {
  const progress = createProgress({ intervalMs: settings.progressMs });
  const stop = stopOnSignals();
  try {
    const result = await importStore(target, input, {
      includeAuth: settings.includeAuth,
      signal: stop.signal,
      onProgress: (so) => progress.tick(() => importProgressLine(so)),
    });
    return finish(progress, result, NO_FAILURES, stop.received());
  } catch (error) {
    if (!(error instanceof ImportError)) throw error;
    progress.say(error.message);
    return finish(progress, error.result, error.failed, undefined, true);
  } finally {
    stop.dispose();
  }
}

/** Prints the summary (a line for people, then the JSON) and what to do next; returns the exit code. */
function finish(
  progress: Progress,
  result: ImportResult,
  failed: Readonly<BackupCounts>,
  signal: NodeJS.Signals | undefined,
  failedRun = false,
): number {
  const short = !failedRun && result.complete ? shortfall(result) : undefined;
  const stopped = !failedRun && !result.complete;
  let outcome = "done";
  if (failedRun) outcome = "failed";
  else if (stopped) outcome = `stopped by ${signal ?? "a signal"}`;
  else if (short) outcome = "input cut short";
  const when = outcome === "done" ? "in" : "after";
  progress.say(`${outcome} ${when} ${progress.elapsed()}: ${importSummaryLine(result, failed)}`);
  if (short) {
    progress.say(
      `the input held ${short} its header announced: the backup was cut short (an interrupted export?) ` +
        "or keys were deleted while it was exported; export again and import the new backup (what is already in the target is skipped)",
    );
  } else if (failedRun) progress.say(`fix the cause, then ${RESUME}`);
  else if (stopped) progress.say(RESUME);
  process.stderr.write(`${JSON.stringify({ ...result, failed, elapsedMs: progress.elapsedMs() })}\n`);
  if (stopped) return 128 + (signal ? constants.signals[signal] : 0);
  return failedRun || short ? 1 : 0;
}

/** SIGINT/SIGTERM abort the run instead of killing the process, until `dispose()`. */
function stopOnSignals() {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (received) return;
    received = signal;
    process.stderr.write(`keyhive-storage: ${signal}: stopping after the chunk being written\n`);
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    signal: controller.signal,
    received: () => received,
    dispose() {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}
