/** Whether a request record matches the log routes' filters (`schemas/logs.ts`). */
import type { LogFilter } from "../admin/schemas/logs.js";
import type { RequestRecord } from "./request-record.js";

export type { LogFilter };

export function matchesLogFilter(record: RequestRecord, filter: LogFilter): boolean {
  if (filter.since !== undefined && record.at < filter.since) return false;
  if (filter.until !== undefined && record.at >= filter.until) return false;
  if (filter.token !== undefined && record.token?.id !== filter.token) return false;
  if (filter.provider !== undefined && record.provider !== filter.provider) return false;
  if (filter.model !== undefined && record.model !== filter.model) return false;
  if (filter.status && (record.status < filter.status.min || record.status > filter.status.max)) return false;
  if (filter.failed && record.status < 400) return false;
  if (filter.slowMs !== undefined && record.durationMs < filter.slowMs) return false;
  if (filter.key !== undefined && record.keyId !== filter.key && !record.attempts.some((a) => a.keyId === filter.key)) {
    return false;
  }
  return true;
}
