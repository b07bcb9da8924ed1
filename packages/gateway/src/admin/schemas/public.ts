/** The public key page's API (per access mode). */
import * as z from "zod/mini";
import { described, epochMs, keyStatus, masked, password, signedIn } from "./common.js";
import { describeRoutes } from "./route-table.js";

export const guestLoginBody = z.strictObject({ password: password() });

export const publicKeysQuery = z.object({
  page: z._default(z.coerce.number().check(z.int(), z.minimum(1)), 1),
  pageSize: z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(500))),
});

export const publicInfo = z.strictObject({
  accessMode: z.enum(["open", "restricted", "private"]),
  authenticated: z.boolean(),
  role: z.nullable(z.enum(["guest", "admin"])),
  guestPasswordSet: z.boolean(),
  baseURL: described(z.string(), "this deployment's OpenAI-compatible base URL"),
  providers: described(z.array(z.string()), "provider ids"),
  pageSize: z.number(),
  keySharing: described(z.boolean(), "whether this visitor may copy the valid keys (`GET /public/api/keys/shared`)"),
});

/** What key sharing hands out: the full secrets of the valid keys, highest balance first. */
export const sharedKeys = z.strictObject({
  data: z.array(z.strictObject({ key: z.string(), provider: z.string(), balance: z.nullable(z.number()) })),
  total: z.number(),
});

export const publicKey = z.strictObject({
  key: masked(),
  provider: z.string(),
  status: keyStatus,
  balance: z.nullable(z.number()),
  lastCheckedAt: z.nullable(epochMs()),
});

export const publicKeyPage = z.strictObject({
  data: z.array(publicKey),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
  totals: z.strictObject({ keys: z.number(), valid: z.number(), balance: z.number() }),
});

export const publicRoutes = describeRoutes("Public page", [
  {
    method: "get",
    path: "/public/api/info",
    summary: "The access mode and whether this visitor may see the key page.",
    description:
      "`baseURL` is `<publicURL>/v1` when the operator pinned it (`KEYHIVE_PUBLIC_URL`, recommended: then no `Host` a request carries is reflected), else `<origin>/v1` of the request (`X-Forwarded-Host`/`-Proto` only from a trusted proxy).",
    auth: "none",
    responses: { "200": { description: "always", schema: publicInfo } },
  },
  {
    method: "post",
    path: "/public/api/login",
    summary: "Guest sign-in (restricted mode); sets the `keyhive_guest` cookie.",
    description:
      "HttpOnly, SameSite=Strict, 24 h; guesses share the admin login throttle. Open mode answers `{ok:true, required:false}`; private mode 403.",
    auth: "none",
    body: guestLoginBody,
    responses: {
      "200": {
        description: "signed in, or no sign-in needed (open mode)",
        schema: z.union([signedIn, z.strictObject({ ok: z.literal(true), required: z.literal(false) })]),
      },
      "401": { description: "wrong guest password" },
      "403": { description: "private page, or no guest password set" },
    },
  },
  {
    method: "post",
    path: "/public/api/logout",
    summary: "Guest sign-out (the session is revoked on the server).",
    auth: "none",
    responses: { "204": { description: "signed out" } },
  },
  {
    method: "get",
    path: "/public/api/keys",
    summary: "Masked keys with balance and status, highest balance first.",
    description:
      "Open mode, or restricted with a guest session (else 401); 403 in private mode; an admin session always may.",
    auth: "page",
    query: publicKeysQuery,
    responses: { "200": { description: "one page", schema: publicKeyPage } },
  },
  {
    method: "get",
    path: "/public/api/keys/shared",
    summary: "Key sharing: the full secrets of every valid key, highest balance first.",
    description:
      "Only when an admin turned on `publicKeySharing` (off by default: else 403 `key_sharing_off`), and only for a visitor who may see the key page (as `/public/api/keys`: 401 restricted without a guest session, 403 private). Only valid keys (active or cooling, as the export's valid keys) are shared; invalid, exhausted and disabled ones never.",
    auth: "page",
    responses: {
      "200": { description: "the valid keys", schema: sharedKeys },
      "403": { description: "sharing is off (`key_sharing_off`) or the page is private (`page_private`)" },
    },
  },
]);
