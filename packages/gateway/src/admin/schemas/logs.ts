/** The request log: one record per proxied request, its filters, and the routes over it. */
import * as z from "zod/mini";
import { described, masked } from "./common.js";
import { describeRoutes } from "./route-table.js";

const failureKind = z.enum(["client_error", "key_invalid", "key_exhausted", "rate_limited", "upstream_error"]);

export const attemptView = z.strictObject({
  keyId: z.string(),
  keyMasked: masked(),
  failure: z.optional(described(failureKind, "how the attempt failed; absent when the key answered")),
  status: z.optional(described(z.number(), "the upstream's status, when it answered")),
  ms: described(z.number(), "from sending to the first byte or the failure"),
  startMs: z.optional(described(z.number(), "from the request's arrival to sending this attempt")),
});

/** One proxied request. Holds no secret field: keys are masked, tokens named by id and name. */
export const requestRecord = z.strictObject({
  id: described(z.string(), "unique; ids sort in the order requests finished on an instance"),
  at: described(z.number(), "epoch ms the request arrived"),
  instance: described(z.string(), "the id of the instance that served it (`GET /admin/api/instance`)"),
  token: described(z.nullable(z.strictObject({ id: z.string(), name: z.string() })), "the client token"),
  provider: z.string(),
  surface: described(
    z.string(),
    "`chat`, `completions`, `embeddings`, … (the OpenAI-style operation), `responses`, `messages`, `native` or `pass-through`",
  ),
  model: z.nullable(z.string()),
  keyId: described(z.nullable(z.string()), "the key that served, or the last one tried"),
  keyMasked: z.nullable(masked()),
  attempts: z.array(attemptView),
  status: described(z.number(), "the status the client got"),
  ttfbMs: described(z.nullable(z.number()), "arrival to the upstream's first byte; null when no key answered"),
  durationMs: described(z.number(), "arrival to the end of the response body"),
  streamed: z.boolean(),
  tokensIn: z.nullable(z.number()),
  tokensOut: z.nullable(z.number()),
  bytes: described(z.nullable(z.number()), "response body bytes sent to the client"),
  error: described(z.nullable(z.string()), "why it failed"),
  sample: z.optional(
    described(
      z.strictObject({
        request: z.nullable(z.string()),
        response: z.nullable(z.string()),
        truncated: described(z.boolean(), "a body was longer than `bodySampling.maxBytes`"),
      }),
      "the bodies' first bytes, secrets masked: only for tokens and models named in the `bodySampling` setting",
    ),
  ),
});

/** A time: epoch ms or an ISO 8601 date. */
export const time = z.pipe(
  z.string(),
  z.transform((value, ctx) => {
    const ms = /^\d+$/.test(value) ? Number(value) : /^\d{4}-\d\d-\d\d/.test(value) ? Date.parse(value) : Number.NaN;
    if (Number.isFinite(ms)) return ms;
    ctx.issues.push({
      code: "custom",
      message: `expected epoch ms or an ISO date, got ${JSON.stringify(value)}`,
      input: value,
    });
    return z.NEVER;
  }),
);

/** `200`, or a class: `4xx`. */
const statusFilter = z.pipe(
  z.string(),
  z.transform((value, ctx) => {
    if (/^[1-5]xx$/i.test(value)) return { min: Number(value[0]) * 100, max: Number(value[0]) * 100 + 99 };
    if (/^[1-5]\d\d$/.test(value)) return { min: Number(value), max: Number(value) };
    ctx.issues.push({
      code: "custom",
      message: `expected a status (404) or a class (4xx), got ${JSON.stringify(value)}`,
      input: value,
    });
    return z.NEVER;
  }),
);

const flag = z.pipe(
  z.optional(z.enum(["true", "false", "1", "0"])),
  z.transform((v) => v === "true" || v === "1"),
);

const count = (min: number, max: number) =>
  z.pipe(
    z.string(),
    z.transform((value, ctx) => {
      const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
      if (n >= min && n <= max) return n;
      ctx.issues.push({
        code: "custom",
        message: `expected an integer ${min}–${max}, got ${JSON.stringify(value)}`,
        input: value,
      });
      return z.NEVER;
    }),
  );

const name = z.string().check(z.minLength(1), z.maxLength(256));

/** The filters every log route takes. Unknown parameters are refused, not ignored. */
export const logFilterFields = {
  since: z.optional(described(time, "from this time (epoch ms or ISO), inclusive, by `at`")),
  until: z.optional(described(time, "up to this time (epoch ms or ISO), exclusive, by `at`")),
  token: z.optional(described(name, "client token id")),
  provider: z.optional(name),
  model: z.optional(name),
  key: z.optional(described(name, "key id: requests it served or any attempt tried")),
  status: z.optional(described(statusFilter, "exact (`429`) or a class (`4xx`, `5xx`)")),
  failed: described(flag, "only requests whose status is ≥ 400"),
  slowMs: z.optional(described(count(0, 86_400_000), "only requests with durationMs ≥ this")),
};

export const logFilterQuery = z.strictObject(logFilterFields);

export const logListQuery = z.strictObject({
  ...logFilterFields,
  limit: z._default(described(count(1, 1000), "1–1000, default 100"), 100),
  cursor: z.optional(described(name, "the `next` of the previous page")),
});

export const logExportQuery = z.strictObject({
  ...logFilterFields,
  format: z._default(z.enum(["csv", "jsonl"]), "jsonl"),
});

export type LogFilter = z.output<typeof logFilterQuery>;

export const logPage = z.strictObject({
  items: z.array(requestRecord),
  next: z.optional(described(z.string(), "pass as `cursor` for the next (older) page; absent on the last")),
  source: described(
    z.enum(["storage", "ring"]),
    "`storage`: the storage's request log (every instance sharing it); `ring`: this instance's memory only",
  ),
});

export const logRoutes = describeRoutes("Request log", [
  {
    method: "get",
    path: "/admin/api/logs",
    summary: "Recent requests, newest first, filtered, a page at a time.",
    description:
      "From the storage's request log when it has one (every instance sharing the storage, kept by " +
      "`requestLog.maxRecords`/`maxAgeDays`), merged with this instance's in-memory ring buffer " +
      "(`requestLog.ringSize`, default 5000), which also holds the last second not yet written. Without a " +
      "durable log, the ring only: a restart empties it. Malformed filters are a 400 naming the parameter.",
    query: logListQuery,
    responses: { "200": { description: "one page", schema: logPage } },
  },
  {
    method: "get",
    path: "/admin/api/logs/tail",
    summary:
      "Live tail (SSE): `event: request` per new matching request, `event: dropped` when a slow client missed some.",
    description:
      "This instance's requests as they finish (behind a load balancer, the instance the connection reached). " +
      "Events are sent in batches at most every 100 ms; a `: ping` comment every 15 s. A client that falls " +
      "more than 1000 events behind misses them, and the next batch starts with `event: dropped` " +
      '(`data: {"dropped": n}`).',
    query: logFilterQuery,
    responses: { "200": { description: "an event stream", contentType: "text/event-stream" } },
  },
  {
    method: "get",
    path: "/admin/api/logs/export",
    summary: "The filtered log as CSV or JSON Lines (a download, streamed), newest first, at most 100,000 records.",
    query: logExportQuery,
    responses: {
      "200": {
        description:
          "`format=jsonl` (the default): one record per line, `application/x-ndjson`; `format=csv`: a header line, then one row per record, `text/csv`",
        contentType: "application/x-ndjson",
      },
    },
  },
  {
    method: "get",
    path: "/admin/api/logs/{id}",
    summary: "One request with its attempts.",
    responses: { "200": { description: "the request", schema: requestRecord } },
  },
]);
