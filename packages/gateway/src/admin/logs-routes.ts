/** The request log: list, one record, live tail, export. Shapes: `schemas/logs.ts`. */
import { Hono } from "hono";
import type { LogReader } from "../logs/log-reader.js";
import type { RequestRecord } from "../logs/request-record.js";
import { errors } from "../spec/errors.js";
import { REQUEST_ID_PATTERN } from "../spec/request-log-store.js";
import { streamTail, type TailOptions } from "./logs-tail.js";
import { remoteRecords } from "./logs-tail-remote.js";
import { type LogFilter, logExportQuery, logFilterQuery, logListQuery } from "./schemas/logs.js";
import { readQuery } from "./validate.js";

export interface LogsRoutesDeps {
  /** Undefined when the gateway runs with `requestLog: false`. */
  reader: LogReader | undefined;
  now: () => number;
  tail?: TailOptions;
  /** This instance's id: the tail adds other instances' stored records. */
  instance?: string;
}

const CSV_COLUMNS = [
  "id",
  "at",
  "instance",
  "token",
  "provider",
  "surface",
  "model",
  "keyId",
  "keyMasked",
  "attempts",
  "status",
  "ttfbMs",
  "durationMs",
  "streamed",
  "tokensIn",
  "tokensOut",
  "bytes",
  "error",
] as const;

const csvCell = (value: unknown) => {
  const text = value === undefined || value === null ? "" : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** One CSV row: times as ISO, the token by name, attempts as `keyId:failure:status:ms` joined by spaces. */
export function csvRow(r: RequestRecord): string {
  const cells: Record<(typeof CSV_COLUMNS)[number], unknown> = {
    ...r,
    at: new Date(r.at).toISOString(),
    token: r.token?.name,
    attempts: r.attempts.map((a) => `${a.keyId}:${a.failure ?? "ok"}:${a.status ?? ""}:${a.ms}`).join(" "),
  };
  return CSV_COLUMNS.map((column) => csvCell(cells[column])).join(",");
}

/** The most records one export holds (newest first): bounds the answer's size and time. */
export const EXPORT_MAX_RECORDS = 100_000;

export function logsRoutes(deps: LogsRoutesDeps) {
  const app = new Hono();
  const readerOf = () => {
    if (!deps.reader) throw errors.notFound("The request log is off (requestLog: false).", "request_log_off");
    return deps.reader;
  };

  app.get("/", async (c) => {
    const reader = readerOf();
    const { limit, cursor, ...filter } = readQuery(c, logListQuery);
    return c.json({ ...(await reader.page(filter, limit, cursor)), source: reader.source });
  });

  app.get("/tail", (c) => {
    const reader = readerOf();
    const filter = readQuery(c, logFilterQuery);
    const remote = deps.instance ? remoteRecords(reader, deps.instance, filter, deps.now) : undefined;
    return streamTail(c, reader.ring, filter, deps.tail, remote);
  });

  app.get("/export", (c) => {
    const reader = readerOf();
    const { format, ...filter } = readQuery(c, logExportQuery);
    const stamp = new Date(deps.now())
      .toISOString()
      .replaceAll(":", "-")
      .replace(/\.\d+Z$/, "Z");
    return c.body(exportStream(reader, filter, format), 200, {
      "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
      "content-disposition": `attachment; filename="keyhive-requests-${stamp}.${format}"`,
    });
  });

  app.get("/:id", async (c) => {
    const id = c.req.param("id");
    const record = REQUEST_ID_PATTERN.test(id) ? await readerOf().get(id) : undefined;
    if (!record) throw errors.notFound(`No request '${id}' in the request log.`, "request_not_found");
    return c.json(record);
  });

  return app;
}

/** The export, streamed a page at a time: a big log never sits in memory as one string. */
function exportStream(reader: LogReader, filter: LogFilter, format: "csv" | "jsonl"): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const records = reader.matching(filter, EXPORT_MAX_RECORDS);
  let header = format === "csv";
  return new ReadableStream({
    async pull(controller) {
      const lines: string[] = header ? [CSV_COLUMNS.join(",")] : [];
      header = false;
      for (let i = 0; i < 1000; i++) {
        const next = await records.next();
        if (next.done) break;
        lines.push(format === "csv" ? csvRow(next.value) : JSON.stringify(next.value));
      }
      if (lines.length > 0) controller.enqueue(encoder.encode(`${lines.join("\n")}\n`));
      else controller.close();
    },
    async cancel() {
      await records.return(undefined);
    },
  });
}
