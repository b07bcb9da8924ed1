/**
 * The live tail's view of other instances: their records reach this one only through the
 * storage's request log, written about once a second. Each poll reads the newest stored records
 * down to a floor 10 s back (a batch lands up to a flush interval after its requests finished),
 * and hands on those of other instances it has not seen yet.
 */
import type { LogFilter } from "../logs/log-filter.js";
import type { LogReader } from "../logs/log-reader.js";
import type { RequestRecord } from "../logs/request-record.js";

/** How far back each poll looks: longer than any instance's flush interval plus clock skew. */
const LOOKBACK_MS = 10_000;
/** At most this many records per poll (a busier log drops the overflow, like a slow client). */
const MAX_PER_POLL = 2000;

export interface RemoteRecords {
  poll(): Promise<RequestRecord[]>;
}

/** The smallest id a record finished at `ms` can have. */
export function idFloor(ms: number): string {
  return `req-${Math.max(0, ms).toString(36).padStart(9, "0")}`;
}

export function remoteRecords(
  reader: LogReader,
  self: string,
  filter: LogFilter,
  now: () => number,
): RemoteRecords | undefined {
  if (reader.source !== "storage") return undefined;
  // Records that finished before the tail opened are the list's, not the tail's.
  const opened = idFloor(now());
  let seen = new Set<string>();
  return {
    async poll() {
      const floor = idFloor(now() - LOOKBACK_MS);
      const fresh: RequestRecord[] = [];
      const stillSeen = new Set<string>();
      for await (const record of reader.matching(filter, MAX_PER_POLL)) {
        if (record.id < floor) break;
        stillSeen.add(record.id);
        if (record.id < opened || record.instance === self || seen.has(record.id)) continue;
        fresh.push(record);
      }
      seen = stillSeen;
      // Oldest first, like the local tail.
      return fresh.reverse();
    },
  };
}
