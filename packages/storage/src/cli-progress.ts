/**
 * What the storage CLI prints on stderr while it works and when it ends. Plain lines, never
 * redrawn in place: the same output reads well in a terminal, a CI log or a file.
 */
import type { BackupCounts } from "./backup.js";
import type { ImportResult } from "./backup-import.js";

const PREFIX = "keyhive-storage: ";

export interface ProgressOptions {
  /** Least time between two progress lines; 0 prints one per chunk. @default 1000 */
  intervalMs?: number;
  write?: (text: string) => void;
  now?: () => number;
}

export interface Progress {
  /** Prints `line()` unless a progress line went out less than `intervalMs` ago (or the run began then). */
  tick(line: () => string): void;
  /** Prints a line now. */
  say(text: string): void;
  elapsedMs(): number;
  /** Elapsed time as `3.2 s`. */
  elapsed(): string;
}

export function createProgress(options: ProgressOptions = {}): Progress {
  const { intervalMs = 1000, now = Date.now } = options;
  const write = options.write ?? ((text: string) => process.stderr.write(text));
  const started = now();
  let last = started;
  const progress: Progress = {
    tick(line) {
      const at = now();
      if (at - last < intervalMs) return;
      last = at;
      progress.say(`${line()}, ${progress.elapsed()}`);
    },
    say: (text) => write(`${PREFIX}${text}\n`),
    elapsedMs: () => now() - started,
    elapsed: () => `${(progress.elapsedMs() / 1000).toFixed(1)} s`,
  };
  return progress;
}

/** `keys 5000/12000 (4500 written, 500 skipped), history 0`: keys read so far of those announced. */
export function importProgressLine(result: Readonly<ImportResult>): string {
  const total = result.announced ? `/${result.announced.keys}` : "";
  const { keys, duplicates } = result;
  return `keys ${keys + duplicates}${total} (${keys} written, ${duplicates} skipped), history ${result.history + result.historySkipped}`;
}

/** Every kind: written, skipped (already in the target, or auth records left out), failed. */
export function importSummaryLine(result: Readonly<ImportResult>, failed: Readonly<BackupCounts>): string {
  return [
    `keys ${result.keys} written, ${result.duplicates} skipped, ${failed.keys} failed`,
    `tokens ${result.tokens} written, ${failed.tokens} failed`,
    `settings ${result.settings} written, ${result.skippedAuth} skipped (auth records), ${failed.settings} failed`,
    `history ${result.history} written, ${result.historySkipped} skipped, ${failed.history} failed`,
  ].join("; ");
}

/** What the input held short of what its header announced, e.g. `5000 of 12000 keys`; undefined when none. */
export function shortfall(result: Readonly<ImportResult>): string | undefined {
  const { announced } = result;
  if (!announced) return undefined;
  const held: BackupCounts = {
    keys: result.keys + result.duplicates,
    tokens: result.tokens,
    settings: result.settings + result.skippedAuth,
    history: result.history + result.historySkipped,
  };
  const short = (["keys", "tokens", "settings", "history"] as const).filter((kind) => held[kind] < announced[kind]);
  return short.length ? short.map((kind) => `${held[kind]} of ${announced[kind]} ${kind}`).join(", ") : undefined;
}
