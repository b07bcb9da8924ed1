/**
 * Turns each proxied request's outcome into a record for the ring buffer, the storage's durable
 * log and, when enabled, a structured log line. Runs as one of the pipeline's observers, after
 * the response ended. Also writes a line per key status transition.
 */
import type { ProxyOutcome } from "../proxy/proxy-types.js";
import type { RecordUnserved } from "../proxy/unserved.js";
import type { WaitUntil } from "../runtime/wait-until.js";
import type { RequestLogStore } from "../spec/request-log-store.js";
import type { HistoryEntry } from "../spec/storage.js";
import { maskSecret } from "../util/mask.js";
import { DurableLogWriter } from "./durable-log.js";
import { LogReader } from "./log-reader.js";
import { RequestLog, type RequestLogOptions } from "./request-log.js";
import { RecordIds, type RecordInput, recordOf } from "./request-record.js";
import { type LogLevel, type LogWriter, levelOfStatus, StructuredLog } from "./structured-log.js";

export interface RequestRecorderOptions {
  /** `false`: no request log (the log routes answer 404). @default {} */
  requestLog?: RequestLogOptions | false;
  /** The storage's request log, if it has one. */
  store?: RequestLogStore;
  /** @default "off" */
  logLevel?: LogLevel;
  /** @default consoleWriter */
  logger?: LogWriter;
  instance: string;
  /** A key's secret by id, to mask: the pool's in-memory record. */
  secretOf: (keyId: string) => string | undefined;
  now: () => number;
  onError: (error: unknown) => void;
}

export interface RequestRecorder {
  /** What the log routes read; undefined when the log is off. */
  reader?: LogReader;
  /** The pipeline observer; undefined when neither the log nor structured lines are on. */
  observe?: (outcome: ProxyOutcome, waitUntil?: WaitUntil) => void;
  /** Requests that ended before or outside the pool (refused, own key, client gone). */
  recordUnserved?: RecordUnserved;
  /** The pool's status-change hook: one structured line per transition (level `warn`). */
  statusChanged?: (entry: HistoryEntry) => void;
  /** Writes pending records to storage now (shutdown, tests). */
  flush(): Promise<void>;
}

export function createRequestRecorder(options: RequestRecorderOptions): RequestRecorder {
  const settings = options.requestLog === false ? undefined : (options.requestLog ?? {});
  const log = settings ? new RequestLog(settings) : undefined;
  const durable = settings && settings.durable !== false ? options.store : undefined;
  const writer = durable
    ? new DurableLogWriter({ store: durable, now: options.now, onError: options.onError }, settings)
    : undefined;
  const level = options.logLevel ?? "off";
  const lines = level === "off" ? undefined : new StructuredLog(level, options.logger, options.now);
  const flush = async () => writer?.flush();
  if (!log && !lines) return { flush };
  const ids = new RecordIds();
  const context = {
    instance: options.instance,
    secretOf: options.secretOf,
    maskedKey: (keyId: string) => {
      const secret = options.secretOf(keyId);
      return secret === undefined ? null : maskSecret(secret);
    },
  };
  const note = (outcome: RecordInput, waitUntil?: WaitUntil) => {
    const now = options.now();
    const record = recordOf(outcome, ids.next(now), context, now);
    log?.add(record);
    // Anonymous refusals stay in memory: nobody without a token can evict the stored log.
    if (record.token !== null || record.status !== 401) writer?.add(record, waitUntil);
    lines?.log(levelOfStatus(record.status), "request", record);
  };
  return {
    reader: log ? new LogReader(log, durable) : undefined,
    observe: (outcome, waitUntil) => note(outcome, waitUntil),
    recordUnserved: (outcome, waitUntil) => note(outcome, waitUntil),
    statusChanged: lines
      ? (entry) =>
          lines.log(entry.data.to === "active" ? "info" : "warn", "key status", {
            instance: options.instance,
            keyId: entry.keyId,
            keyMasked: entry.keyId ? context.maskedKey(entry.keyId) : null,
            ...entry.data,
          })
      : undefined,
    flush,
  };
}
