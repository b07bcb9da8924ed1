/** Key import: a dump of keys (Keyhive's exports, the seed tools' KV value and D1 table) in one call. */
import * as z from "zod/mini";
import { IMPORT_FORMATS, READ_FORMATS } from "../import-formats.js";
import { queryBoolean } from "../validate.js";
import { checkSettingsSchema, checkStarted } from "./checks.js";
import { described, masked } from "./common.js";
import { MAX_KEYS_PER_CALL } from "./keys.js";
import { describeRoutes } from "./route-table.js";

const formatMessage = { error: `must be one of: ${IMPORT_FORMATS.join(", ")}` };
const format = described(
  z._default(z.enum(IMPORT_FORMATS, formatMessage), "auto"),
  "how to read the dump; `auto` detects JSON, CSV with a `key` header, `key|balance` or a plain list",
);
const tags = z.array(z.string().check(z.trim(), z.minLength(1), z.maxLength(64))).check(z.maxLength(32));
const provider = z.string().check(z.minLength(1));

/** The query of a raw dump (`curl --data-binary @keys.txt`). */
export const importQuery = z.object({
  provider,
  format,
  check: described(queryBoolean, "start a check job for the added keys"),
  tags: described(
    z.pipe(
      z.pipe(
        z.optional(z.string()),
        z.transform((v) =>
          v
            ?.split(",")
            .map((s) => s.trim())
            .filter(Boolean),
        ),
      ),
      z.optional(tags),
    ),
    "comma-separated tags for the added keys",
  ),
});

/** The JSON form (the admin UI's): the dump travels as `text`. */
export const importJsonBody = z.strictObject({
  provider,
  format,
  text: z.string().check(z.maxLength(4 * 1024 * 1024)),
  check: z.optional(z.union([z.boolean(), z.partial(checkSettingsSchema)])),
  tags: z.optional(tags),
});

const keyRef = z.strictObject({ id: z.string(), key: masked() });
export const importResult = z.strictObject({
  format: described(z.enum(READ_FORMATS), "the format the dump was read as"),
  added: z.array(keyRef),
  duplicates: z.array(keyRef),
  rejected: z.array(
    z.strictObject({
      line: z.optional(described(z.number(), "1-based line of a text or CSV dump")),
      item: z.optional(described(z.number(), "1-based item of a JSON dump")),
      key: z.optional(masked()),
      reason: z.string(),
    }),
  ),
  balances: described(z.number(), "added keys whose balance was set from the dump"),
  check: z.optional(checkStarted),
});

export const keyImportRoutes = describeRoutes("Keys", [
  {
    method: "post",
    path: "/admin/api/keys/import",
    summary: `Import a key dump (up to ${MAX_KEYS_PER_CALL.toLocaleString("en")} keys, body ≤ 2 MiB): a list, \`key|balance\`, Keyhive's CSV or JSON export, the seed tools' KV value or D1 rows.`,
    description: [
      "The body is the dump itself, any content type (`curl --data-binary @keys.txt`), with `provider`, `format`, `check` and `tags` in the query.",
      "An `application/json` body without `?provider=` is the JSON form instead: `{provider, format?, text, check?, tags?}` (`check` as in `POST /admin/api/keys`).",
      "Each key is validated by its provider; a malformed line, item or key is rejected on its own (`line` or `item` says where; `key` is masked).",
      "Balances in the dump are set on the keys this call added, not on duplicates.",
      "400: unknown provider or format, an empty dump, nothing readable, more keys than the limit.",
    ].join(" "),
    query: importQuery,
    body: z.string(),
    bodyContentType: "text/plain",
    responses: {
      "201": { description: "keys added", schema: importResult },
      "200": { description: "nothing new (every key a duplicate or rejected)", schema: importResult },
    },
  },
]);
