/** Client tokens: their limits, their view with today's usage. */
import * as z from "zod/mini";
import { described, epochMs, listOf } from "./common.js";
import { describeRoutes } from "./route-table.js";

/** Optional, and null clears the limit. */
const clearable = <T extends z.ZodMiniType>(schema: T) => z.optional(z.nullable(schema));
const strings = (max: number, count: number) =>
  z.array(z.string().check(z.minLength(1), z.maxLength(max))).check(z.maxLength(count));

/** The limit fields of a token, as create and patch accept them. */
export const tokenLimits = {
  expiresAt: clearable(z.number().check(z.int(), z.positive())),
  models: clearable(strings(256, 1000)),
  providers: clearable(strings(64, 100)),
  rpm: clearable(z.number().check(z.int(), z.minimum(1), z.maximum(1_000_000))),
  dailyRequests: clearable(z.number().check(z.int(), z.minimum(1))),
  dailyTokens: clearable(z.number().check(z.int(), z.minimum(1))),
};
const name = () => z.string().check(z.trim(), z.minLength(1), z.maxLength(100));
export const tokenCreateBody = z.strictObject({ name: name(), ...tokenLimits });
export const tokenPatchBody = z
  .strictObject({ name: z.optional(name()), ...tokenLimits })
  .check(z.refine((b) => Object.keys(b).length > 0, { message: "nothing to change" }));

/** Today's usage of a token (UTC), summed over every instance's written counters. */
export const tokenUsage = z.strictObject({
  requests: z.number(),
  promptTokens: z.number(),
  completionTokens: z.number(),
  totalTokens: z.number(),
});

/** A client token as the API shows it: the record without `hash`, its state and today's usage. */
export const tokenView = z.strictObject({
  id: z.string(),
  name: z.string(),
  hint: described(z.string(), "masked token"),
  createdAt: epochMs(),
  expiresAt: z.optional(epochMs()),
  revokedAt: z.optional(epochMs()),
  models: z.optional(described(z.array(z.string()), "allowed models (exact ids); absent = all")),
  providers: z.optional(described(z.array(z.string()), "allowed provider ids; absent = all")),
  rpm: z.optional(z.number()),
  dailyRequests: z.optional(z.number()),
  dailyTokens: z.optional(z.number()),
  state: z.enum(["active", "expired", "revoked"]),
  usage: tokenUsage,
});

export const tokenCreated = z.strictObject({
  token: described(z.string(), "kh-…, shown once"),
  record: tokenView,
});

const token = { description: "the token", schema: tokenView };
const noToken = { description: "no such token (`token_not_found`)" };

export const tokenRoutes = describeRoutes("Client tokens", [
  {
    method: "post",
    path: "/admin/api/tokens",
    summary: "Create a client token (shown once).",
    description:
      "Changes apply to the proxy at once on this instance and within the refresh interval on others. How the proxy enforces each field: ADMIN-API.md, “Client tokens: how the proxy enforces them”.",
    body: tokenCreateBody,
    responses: { "201": { description: "created", schema: tokenCreated } },
  },
  {
    method: "get",
    path: "/admin/api/tokens",
    summary: "Client tokens with today's usage (UTC), newest first.",
    responses: { "200": { description: "the tokens", schema: listOf(tokenView) } },
  },
  {
    method: "get",
    path: "/admin/api/tokens/{id}",
    summary: "One client token.",
    responses: { "200": token, "404": noToken },
  },
  {
    method: "patch",
    path: "/admin/api/tokens/{id}",
    summary: "Change a client token's name or limits (null removes a limit).",
    body: tokenPatchBody,
    responses: { "200": token, "404": noToken },
  },
  {
    method: "delete",
    path: "/admin/api/tokens/{id}",
    summary: "Revoke a client token.",
    responses: { "204": { description: "revoked" }, "404": noToken },
  },
]);
