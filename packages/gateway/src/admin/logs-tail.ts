/**
 * `GET /admin/api/logs/tail`: new matching records as SSE. The proxy only appends to a bounded
 * queue (never awaits the client); a timer sends what queued at most every `flushMs` in one
 * write. A client that falls `maxQueued` behind loses the overflow and is told how much. Other
 * instances' requests arrive from the storage's request log every `remotePollMs` (2–3 s late).
 */
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import { type LogFilter, matchesLogFilter } from "../logs/log-filter.js";
import type { RequestLog } from "../logs/request-log.js";
import type { RequestRecord } from "../logs/request-record.js";
import type { RemoteRecords } from "./logs-tail-remote.js";

export interface TailOptions {
  /** @default 100 */
  flushMs?: number;
  /** @default 15000 */
  heartbeatMs?: number;
  /** Events a client may fall behind before the overflow is dropped. @default 1000 */
  maxQueued?: number;
  /** How often other instances' stored records are read. @default 2000 */
  remotePollMs?: number;
}

export function streamTail(
  c: Context,
  log: RequestLog,
  filter: LogFilter,
  options: TailOptions = {},
  remote?: RemoteRecords,
) {
  const maxQueued = options.maxQueued ?? 1000;
  return streamSSE(c, async (stream) => {
    let queue: RequestRecord[] = [];
    let dropped = 0;
    let writing = false;
    let wake: (() => void) | undefined;
    const enqueue = (record: RequestRecord) => {
      if (queue.length >= maxQueued) dropped++;
      else queue.push(record);
    };
    const unsubscribe = log.subscribe((record) => {
      if (matchesLogFilter(record, filter)) enqueue(record);
    });
    let polling = false;
    const poller = remote
      ? setInterval(() => {
          if (polling) return;
          polling = true;
          remote
            .poll()
            .then((records) => records.forEach(enqueue))
            .catch(() => {}) // a storage hiccup costs one poll; the next one catches up
            .finally(() => {
              polling = false;
            });
        }, options.remotePollMs ?? 2000)
      : undefined;
    const flush = async () => {
      // One write in flight at a time: a slow client keeps queueing (then dropping), never piles up writes.
      if (writing || (queue.length === 0 && dropped === 0) || stream.aborted) return;
      writing = true;
      const batch = queue;
      queue = [];
      let text = dropped > 0 ? `event: dropped\ndata: {"dropped":${dropped}}\n\n` : "";
      dropped = 0;
      for (const record of batch) text += `event: request\ndata: ${JSON.stringify(record)}\n\n`;
      try {
        await stream.write(text);
      } catch {
        // The client left: onAbort ends the stream.
      } finally {
        writing = false;
      }
    };
    const timer = setInterval(() => void flush(), options.flushMs ?? 100);
    const heartbeat = setInterval(() => {
      if (!writing) void stream.write(": ping\n\n").catch(() => {});
    }, options.heartbeatMs ?? 15_000);
    const ended = new Promise<void>((resolve) => {
      wake = resolve;
    });
    stream.onAbort(() => wake?.());
    try {
      await stream.write(": tail\n\n");
      await ended;
    } finally {
      clearInterval(timer);
      clearInterval(heartbeat);
      if (poller) clearInterval(poller);
      unsubscribe();
    }
  });
}
