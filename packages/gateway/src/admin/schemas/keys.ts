/** Keys: the key view, batch add, list, patch, bulk actions. */
import * as z from "zod/mini";
import { keyFilterQuery, keyFilterSchema, SORT_FIELDS } from "../key-filter.js";
import { idempotencyNote } from "./bulk-jobs.js";
import { checkSettingsSchema, checkStarted } from "./checks.js";
import { described, epochMs, keyStatus, masked } from "./common.js";
import { describeRoutes } from "./route-table.js";

export const MAX_KEYS_PER_CALL = 10_000;

const tags = z.array(z.string().check(z.trim(), z.minLength(1), z.maxLength(64))).check(z.maxLength(32));
const baseURL = z.url({ protocol: /^https?$/ }).check(z.maxLength(2048));
const weight = z.number().check(z.positive(), z.maximum(1000));

/** What clients see of a key: the record without `secret` and `hash`, plus the masked `key`. */
export const keyView = z.strictObject({
  id: z.string(),
  provider: z.string(),
  key: masked(),
  baseURL: z.optional(z.string()),
  tags: z.array(z.string()),
  weight: z.number(),
  status: keyStatus,
  statusReason: z.optional(z.string()),
  statusChangedAt: epochMs(),
  cooldownUntil: z.optional(epochMs()),
  modelCooldowns: z.optional(z.record(z.string(), z.number())),
  consecutiveFailures: z.number(),
  balance: z.optional(z.number()),
  balanceDetail: z.optional(z.record(z.string(), z.number())),
  addedAt: epochMs(),
  updatedAt: epochMs(),
  lastCheckedAt: z.optional(epochMs()),
  lastCheck: z.optional(z.enum(["valid", "exhausted", "invalid", "error"])),
  nextCheckAt: z.optional(epochMs()),
  lastUsedAt: z.optional(epochMs()),
  lastError: z.optional(z.string()),
});

export const addKeysBody = z.strictObject({
  provider: z.string().check(z.minLength(1)),
  keys: described(
    z.union([
      z.string().check(z.maxLength(4 * 1024 * 1024)),
      z.array(z.string().check(z.maxLength(4096))).check(z.maxLength(MAX_KEYS_PER_CALL)),
    ]),
    "text splits on any whitespace, commas or semicolons",
  ),
  baseURL: z.optional(baseURL),
  tags: z.optional(tags),
  weight: z.optional(weight),
  check: z.optional(z.union([z.boolean(), z.partial(checkSettingsSchema)])),
});

const keyRef = z.strictObject({ id: z.string(), key: masked() });
export const addKeysResult = z.strictObject({
  added: z.array(keyRef),
  duplicates: z.array(keyRef),
  rejected: z.array(z.strictObject({ key: masked(), reason: z.string() })),
  check: z.optional(checkStarted),
});

export const keyListQuery = z.extend(keyFilterQuery, {
  sort: z._default(z.enum(SORT_FIELDS), "addedAt"),
  order: z._default(z.enum(["asc", "desc"]), "desc"),
  page: z._default(z.coerce.number().check(z.int(), z.minimum(1)), 1),
  pageSize: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(1000)), 50),
});

export const keyPage = z.strictObject({
  data: z.array(keyView),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
});

export const keyPatchBody = z
  .strictObject({
    disabled: z.optional(z.boolean()),
    weight: z.optional(weight),
    tags: z.optional(tags),
    baseURL: z.optional(z.nullable(baseURL)),
  })
  .check(z.refine((b) => Object.keys(b).length > 0, { message: "nothing to change" }));

const selection = {
  ids: z.optional(z.array(z.string().check(z.minLength(1))).check(z.minLength(1), z.maxLength(100_000))),
  filter: z.optional(keyFilterSchema),
};
/** A selection must be explicit: ids, or a filter (`{}` = every key, on purpose). */
const hasSelection = (b: { ids?: string[]; filter?: object }) => b.ids !== undefined || b.filter !== undefined;
const selectionMessage = { message: "give ids or a filter (an empty filter selects every key)", path: ["ids"] };

export const keyBulkBody = z
  .strictObject({ action: z.enum(["enable", "disable", "delete"]), ...selection })
  .check(z.refine(hasSelection, selectionMessage));
export const keyDeleteBody = z.strictObject(selection).check(z.refine(hasSelection, selectionMessage));

const key = { description: "the key", schema: keyView };
const noKey = { description: "no such key (`key_not_found`)" };
const selectionNote =
  "Give `ids` or a `filter` (400 without either); an explicit empty filter `{}` selects every key. A filter's `q` is a substring of the id, the key, a tag or the last error.";

export const keyRoutes = describeRoutes("Keys", [
  {
    method: "post",
    path: "/admin/api/keys",
    summary: `Add keys in bulk (up to ${MAX_KEYS_PER_CALL.toLocaleString("en")} per call, body ≤ 2 MiB), each validated by its provider.`,
    description: `\`check\` starts a check job for the added keys (\`true\`, or the settings of \`POST /admin/api/checks\`). ${idempotencyNote}`,
    body: addKeysBody,
    responses: {
      "201": { description: "keys added", schema: addKeysResult },
      "200": { description: "nothing new (every key a duplicate or rejected)", schema: addKeysResult },
    },
  },
  {
    method: "get",
    path: "/admin/api/keys",
    summary: "List keys: filter, sort, page (masked).",
    description: "`status` takes a comma-separated list (`status=active,cooling`).",
    query: keyListQuery,
    responses: { "200": { description: "one page", schema: keyPage } },
  },
  {
    method: "delete",
    path: "/admin/api/keys",
    summary: 'Delete keys by ids or filter (e.g. `{filter:{status:["invalid"]}}`).',
    description: `${selectionNote} ${idempotencyNote}`,
    body: keyDeleteBody,
    responses: { "200": { description: "deleted", schema: z.strictObject({ deleted: z.number() }) } },
  },
  {
    method: "post",
    path: "/admin/api/keys/bulk",
    summary: "Enable, disable or delete keys by ids or filter.",
    description: `${selectionNote} ${idempotencyNote}`,
    body: keyBulkBody,
    responses: { "200": { description: "done", schema: z.strictObject({ affected: z.number() }) } },
  },
  {
    method: "get",
    path: "/admin/api/keys/{id}",
    summary: "One key (masked).",
    responses: { "200": key, "404": noKey },
  },
  {
    method: "patch",
    path: "/admin/api/keys/{id}",
    summary: "Change a key: disabled, weight, tags, baseURL (null removes it).",
    description: "Enabling a key makes it `active` and due for a re-check.",
    body: keyPatchBody,
    responses: { "200": key, "404": noKey },
  },
  {
    method: "delete",
    path: "/admin/api/keys/{id}",
    summary: "Delete one key.",
    responses: { "204": { description: "deleted" }, "404": noKey },
  },
  {
    method: "get",
    path: "/admin/api/keys/{id}/secret",
    summary: "The full secret of one key (asked for explicitly).",
    responses: { "200": { description: "the secret", schema: z.strictObject({ secret: z.string() }) }, "404": noKey },
  },
]);
