/** Moving data out and in: the key export, the backup and the restore. */
import * as z from "zod/mini";
import { keyId } from "../../pool/new-key.js";
import { RECORD_NAME_PATTERN } from "../../spec/storage.js";
import { KEY_STATUSES } from "../key-filter.js";
import { queryBoolean } from "../validate.js";
import { describeRoutes } from "./route-table.js";

export const exportQuery = z
  .object({
    format: z._default(z.enum(["keys", "key-balance", "csv", "json"]), "keys"),
    separator: z._default(z.enum(["newline", "comma", "space", "semicolon", "tab", "custom"]), "newline"),
    custom: z.optional(z.string().check(z.minLength(1), z.maxLength(10))),
    filter: z._default(z.enum(["all", "valid", "min-balance", "selected"]), "all"),
    minBalance: z._default(z.coerce.number(), 10),
    ids: z.pipe(
      z.optional(z.string()),
      z.transform((v) =>
        v
          ? v
              .split(",")
              .map((s) => s.trim())
              .filter(Boolean)
          : undefined,
      ),
    ),
    provider: z.optional(z.string().check(z.minLength(1))),
    tag: z.optional(z.string().check(z.minLength(1))),
    reveal: queryBoolean,
    download: queryBoolean,
  })
  .check(
    z.refine((q) => q.separator !== "custom" || q.custom !== undefined, {
      message: "separator=custom needs `custom` (1–10 characters)",
      path: ["custom"],
    }),
    z.refine((q) => q.filter !== "selected" || (q.ids?.length ?? 0) > 0, {
      message: "filter=selected needs `ids`",
      path: ["ids"],
    }),
  );

/** One key of `format=json`. */
export const exportedKey = z.strictObject({
  id: z.string(),
  provider: z.string(),
  key: z.string(),
  status: z.enum(KEY_STATUSES),
  balance: z.nullable(z.number()),
  tags: z.array(z.string()),
  addedAt: z.number(),
  lastCheckedAt: z.nullable(z.number()),
});

const recordName = () =>
  z
    .string()
    .check(
      z.regex(
        RECORD_NAME_PATTERN,
        "must be 1–256 characters of letters, digits, '.', '_' and '-', not starting with '.'",
      ),
    );
const sha256 = () => z.string().check(z.regex(/^[0-9a-f]{64}$/, "must be a sha256 hex digest"));
const backupKey = z
  .looseObject({
    id: recordName(),
    provider: z.string().check(z.regex(/^[a-z0-9-]+$/, "must match [a-z0-9-]+")),
    secret: z.string().check(z.minLength(1)),
    hash: sha256(),
    tags: z.array(z.string()),
    weight: z.number(),
    status: z.enum(KEY_STATUSES),
    statusChangedAt: z.number(),
    consecutiveFailures: z.number(),
    addedAt: z.number(),
    updatedAt: z.number(),
  })
  .check(
    // The storage files a key under its provider by id: an id naming another provider, or another
    // key's hash, would shadow that key.
    z.refine((r) => r.id === keyId(r.provider, r.hash), {
      message: "must be '<provider>-<first 20 hex chars of hash>'",
      path: ["id"],
    }),
  );
const backupToken = z.looseObject({
  id: recordName(),
  name: z.string(),
  hash: sha256(),
  hint: z.string(),
  createdAt: z.number(),
});
/** One line of a backup file (JSON lines), as the restore validates it. */
export const backupLine = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("header"), format: z.literal("keyhive-backup"), version: z.literal(1) }),
  z.object({ type: z.literal("key"), record: backupKey }),
  z.object({ type: z.literal("token"), record: backupToken }),
  z.object({ type: z.literal("setting"), name: recordName(), value: z.unknown() }),
  z.looseObject({ type: z.literal("history") }),
]);

export const includeAuthQuery = z.object({ includeAuth: queryBoolean });

export const restoreResult = z.strictObject({
  keys: z.number(),
  duplicates: z.number(),
  tokens: z.number(),
  settings: z.number(),
  skippedAuth: z.number(),
});

const jsonLines = "application/x-ndjson";

export const dataRoutes = describeRoutes("Export and backup", [
  {
    method: "get",
    path: "/admin/api/export",
    summary: "Export keys as text, `key|balance`, CSV or JSON, sorted by balance (highest first).",
    description:
      "Secrets are masked unless `reveal=true`. `valid` = active or cooling; `min-balance` = balance ≥ `minBalance`; `ids` (comma-separated) narrows any filter (`selected` requires it). CSV columns `id,provider,key,status,balance,tags,addedAt,lastCheckedAt` (separator ignored); JSON is an array of exported keys. `download=true` adds `Content-Disposition: attachment; filename=\"keyhive-<filter>-<ISO timestamp, ':' as '-'>.<ext>\"`.",
    query: exportQuery,
    responses: {
      "200": {
        description: "the keys: text/plain; text/csv for format=csv; application/json (ExportedKey[]) for format=json",
        schema: z.string(),
        contentType: "text/plain",
      },
    },
  },
  {
    method: "get",
    path: "/admin/api/backup",
    summary: "Keys, tokens and settings as JSON lines (a download; key secrets included).",
    description:
      'The line format of `exportStore` from `@keyhive/storage`: a `{type:"header", format:"keyhive-backup", version:1, exportedAt, includesAuth}` line, then `{type:"key", record}`, `{type:"token", record}` and `{type:"setting", name, value}` lines. Auth records (every `auth.*` record: the session-signing secret, the admin password hash, admin token digests, session epochs and revocations; and `setting.guestPasswordHash`) are left out unless `includeAuth=true`. Client tokens are included (as sha256 digests); check job progress (`job.*`) never is.',
    query: includeAuthQuery,
    responses: { "200": { description: "JSON lines", schema: z.string(), contentType: jsonLines } },
  },
  {
    method: "post",
    path: "/admin/api/restore",
    summary: "Restore a backup (≤ 64 MiB), validated in full before the first write.",
    description:
      'JSON, line shapes, ids and setting names (the record-name rule), key identity (`id` = `<provider>-<first 20 hex of hash>`, `hash` a sha256 hex) are checked first: a bad line is a 400 with `param: "line N[.field]"` and nothing is written. Keys are added idempotently (existing ones count as duplicates), tokens and settings overwritten. Auth records are skipped (counted in `skippedAuth`) unless `includeAuth=true`, which replaces them (sessions signed with the old secret end). `history` lines are accepted and skipped. A storage failure in the middle can leave part written; running it again is safe.',
    query: includeAuthQuery,
    body: z.string(),
    bodyContentType: jsonLines,
    responses: {
      "200": { description: "what was restored", schema: restoreResult },
      "400": { description: "a bad line: nothing written" },
    },
  },
]);
