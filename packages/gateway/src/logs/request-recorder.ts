/**
 * Turns each proxied request's outcome into a record for the ring buffer and, when enabled, a
 * structured log line. Runs as one of the pipeline's observers, after the response ended.
 */
import type { ProxyOutcome } from "../proxy/proxy-types.js";
import type { WaitUntil } from "../runtime/wait-until.js";
import { maskSecret } from "../util/mask.js";
import { RequestLog, type RequestLogOptions } from "./request-log.js";
import { RecordIds, recordOf } from "./request-record.js";
import { type LogLevel, type LogWriter, levelOfStatus, StructuredLog } from "./structured-log.js";

export interface RequestRecorderOptions {
  /** `false`: no ring buffer (the log routes answer 404). @default {} */
  requestLog?: RequestLogOptions | false;
  /** @default "off" */
  logLevel?: LogLevel;
  /** @default consoleWriter */
  logger?: LogWriter;
  instance: string;
  /** A key's secret by id, to mask: the pool's in-memory record. */
  secretOf: (keyId: string) => string | undefined;
  now: () => number;
}

export interface RequestRecorder {
  /** The ring buffer, unless turned off. */
  log?: RequestLog;
  /** The pipeline observer; undefined when neither the log nor structured lines are on. */
  observe?: (outcome: ProxyOutcome, waitUntil?: WaitUntil) => void;
}

export function createRequestRecorder(options: RequestRecorderOptions): RequestRecorder {
  const log = options.requestLog === false ? undefined : new RequestLog(options.requestLog);
  const level = options.logLevel ?? "off";
  const lines = level === "off" ? undefined : new StructuredLog(level, options.logger, options.now);
  if (!log && !lines) return {};
  const ids = new RecordIds();
  const context = {
    instance: options.instance,
    maskedKey: (keyId: string) => {
      const secret = options.secretOf(keyId);
      return secret === undefined ? null : maskSecret(secret);
    },
  };
  return {
    log,
    observe(outcome) {
      const now = options.now();
      const record = recordOf(outcome, ids.next(now), context, now);
      log?.add(record);
      lines?.log(levelOfStatus(record.status), "request", record);
    },
  };
}
