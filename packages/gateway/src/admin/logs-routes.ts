/** The request log: list, one record, live tail, export. Shapes: `schemas/logs.ts`. */
import { Hono } from "hono";
import type { RequestLog } from "../logs/request-log.js";
import type { RequestRecord } from "../logs/request-record.js";
import { errors } from "../spec/errors.js";
import { REQUEST_ID_PATTERN } from "../spec/request-log-store.js";
import { streamTail, type TailOptions } from "./logs-tail.js";
import { logExportQuery, logFilterQuery, logListQuery } from "./schemas/logs.js";
import { readQuery } from "./validate.js";

export interface LogsRoutesDeps {
  /** Undefined when the gateway runs with `requestLog: false`. */
  log: RequestLog | undefined;
  now: () => number;
  tail?: TailOptions;
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

export function logsRoutes(deps: LogsRoutesDeps) {
  const app = new Hono();
  const logOf = () => {
    if (!deps.log) throw errors.notFound("The request log is off (requestLog: false).", "request_log_off");
    return deps.log;
  };

  app.get("/", (c) => {
    const log = logOf();
    const { limit, cursor, ...filter } = readQuery(c, logListQuery);
    return c.json(log.page(filter, limit, cursor));
  });

  app.get("/tail", (c) => {
    const log = logOf();
    return streamTail(c, log, readQuery(c, logFilterQuery), deps.tail);
  });

  app.get("/export", (c) => {
    const log = logOf();
    const { format, ...filter } = readQuery(c, logExportQuery);
    const lines: string[] = format === "csv" ? [CSV_COLUMNS.join(",")] : [];
    for (const record of log.matching(filter)) lines.push(format === "csv" ? csvRow(record) : JSON.stringify(record));
    const stamp = new Date(deps.now())
      .toISOString()
      .replaceAll(":", "-")
      .replace(/\.\d+Z$/, "Z");
    return c.body(lines.join("\n") + (lines.length > 0 ? "\n" : ""), 200, {
      "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
      "content-disposition": `attachment; filename="keyhive-requests-${stamp}.${format}"`,
    });
  });

  app.get("/:id", (c) => {
    const id = c.req.param("id");
    const record = REQUEST_ID_PATTERN.test(id) ? logOf().get(id) : undefined;
    if (!record) throw errors.notFound(`No request '${id}' in this instance's log.`, "request_not_found");
    return c.json(record);
  });

  return app;
}
