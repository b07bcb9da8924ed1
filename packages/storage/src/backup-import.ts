/**
 * The import half of a backup: JSON lines into a store, every write idempotent so an interrupted
 * import is finished by running it again.
 */
import { type HistoryEntry, isAuthRecord, type KeyRecord, type Storage } from "@keyhive/gateway";
import type { BackupCounts, BackupLine } from "./backup.js";
import { createHistoryFilter } from "./history-dedupe.js";
import { type Line, lines, untilAborted } from "./json-lines.js";

export interface ImportResult {
  /** Keys written. */
  keys: number;
  /** Keys skipped: the target already held them (same provider and key hash). */
  duplicates: number;
  /** Tokens written (a token already there is overwritten with the backup's copy). */
  tokens: number;
  /** Settings written (overwritten likewise). */
  settings: number;
  /** History entries written. */
  history: number;
  /** History entries skipped: the target already held them (a re-run import). */
  historySkipped: number;
  /** Auth records in the input that were left out (without `includeAuth`). */
  skippedAuth: number;
  /** False when `signal` stopped the import before the end of its input. */
  complete: boolean;
  /** The counts the backup's header announced (`exportStore` with `announceCounts`). */
  announced?: BackupCounts;
}

/** What an import that did not fail reports as failed. */
export const NO_FAILURES: Readonly<BackupCounts> = Object.freeze({ keys: 0, tokens: 0, settings: 0, history: 0 });

export interface ImportOptions {
  /** Keys written per `keys.add` call (keep ≤ 400 when the target is Cloudflare KV). @default 500 */
  batchSize?: number;
  /** Write auth records found in the input; otherwise the target's own stay as they are. @default false */
  includeAuth?: boolean;
  /**
   * Stops the import early: the lines read so far are written (at most one chunk), then it
   * returns with `complete: false`. Running the same import again finishes it.
   */
  signal?: AbortSignal;
  /** Called after every chunk written, with the counts so far. */
  onProgress?: (result: Readonly<ImportResult>) => void;
}

/** An import stopped by a bad line or a failed write; `result` holds what was written before. */
export class ImportError extends Error {
  constructor(
    message: string,
    readonly result: ImportResult,
    /** Records in the write that failed, by kind (some may be stored: a re-run counts those as skipped). */
    readonly failed: BackupCounts,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ImportError";
  }
}

/**
 * Reads JSON lines (strings or chunks of text, e.g. `process.stdin`) into a store. Every write is
 * idempotent — keys are added on (provider, key hash), tokens and settings overwritten, history
 * entries the target already holds skipped — so re-running an import, to finish one that was
 * interrupted or into a non-empty store, is safe. Lines are written as they are read (memory
 * stays flat): a bad line or a failed write stops the import there with an {@link ImportError}.
 */
export async function importStore(
  storage: Storage,
  input: AsyncIterable<string | Uint8Array> | Iterable<string>,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const result: ImportResult = {
    ...{ keys: 0, duplicates: 0, tokens: 0, settings: 0, history: 0, historySkipped: 0, skippedAuth: 0 },
    complete: false,
  };
  const writer = createWriter(storage, result, options);
  const source = tracked(lines(input), () => {
    result.complete = true;
  });
  try {
    for await (const line of untilAborted(source, options.signal)) await writer.take(line);
  } catch (error) {
    // After a failed write, write nothing more; after a bad line or a failing source, the lines
    // read before it are written first (a flush that fails throws its own, truer, error).
    if (error instanceof ImportError && Object.values(error.failed).some((n) => n > 0)) throw error;
    await writer.flush();
    if (error instanceof ImportError) throw error;
    const message = `stopped after line ${writer.at()}: ${messageOf(error)}`;
    throw new ImportError(message, result, { ...NO_FAILURES }, { cause: error });
  }
  await writer.flush();
  return result;
}

/** Writes lines as they come: keys and history in chunks, tokens and settings one by one. */
function createWriter(storage: Storage, result: ImportResult, options: ImportOptions) {
  const size = options.batchSize ?? 500;
  const historyFilter = createHistoryFilter(storage.history);
  let keys: KeyRecord[] = [];
  let history: HistoryEntry[] = [];
  let at = 0;
  const attempt = async (what: string, failed: Partial<BackupCounts>, write: () => Promise<unknown>) => {
    try {
      await write();
    } catch (error) {
      const message = `${what} failed (input read up to line ${at}): ${messageOf(error)}`;
      throw new ImportError(message, result, { ...NO_FAILURES, ...failed }, { cause: error });
    }
  };
  const flush = async () => {
    const [chunk, entries] = [keys, history];
    [keys, history] = [[], []];
    if (chunk.length > 0)
      await attempt(`writing ${chunk.length} keys`, { keys: chunk.length }, async () => {
        const added = await storage.keys.add(chunk);
        result.keys += added.added.length;
        result.duplicates += added.duplicates.length;
      });
    if (entries.length > 0)
      await attempt(`writing ${entries.length} history entries`, { history: entries.length }, async () => {
        const fresh = await historyFilter.fresh(entries);
        if (fresh.length > 0) await storage.history.append(fresh);
        result.history += fresh.length;
        result.historySkipped += entries.length - fresh.length;
      });
    if (chunk.length > 0 || entries.length > 0) options.onProgress?.({ ...result });
  };
  const take = async (line: Line) => {
    at = line.number;
    const entry = parse(line, result);
    if (entry.type === "header") result.announced = entry.counts;
    else if (entry.type === "key") keys.push(entry.record);
    else if (entry.type === "history") history.push(entry.entry);
    else if (entry.type === "token") {
      await attempt(`writing token ${entry.record.id}`, { tokens: 1 }, () => storage.tokens.put(entry.record));
      result.tokens++;
    } else if (entry.type === "setting" && !options.includeAuth && isAuthRecord(entry.name)) result.skippedAuth++;
    else if (entry.type === "setting") {
      await attempt(`writing setting ${entry.name}`, { settings: 1 }, () =>
        storage.settings.set(entry.name, entry.value),
      );
      result.settings++;
    }
    if (keys.length >= size || history.length >= size) await flush();
  };
  return { take, flush, at: () => at };
}

function parse(line: Line, result: ImportResult): BackupLine {
  try {
    return JSON.parse(line.text) as BackupLine;
  } catch (error) {
    const message = `line ${line.number} is not JSON (${messageOf(error)})`;
    throw new ImportError(message, result, { ...NO_FAILURES }, { cause: error });
  }
}

/** Passes `input` through and calls `onEnd` once it is read to its end (not when abandoned). */
async function* tracked<T>(input: AsyncIterable<T>, onEnd: () => void): AsyncGenerator<T> {
  yield* input;
  onEnd();
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
