/** Runtime settings as the API reads and changes them. */
import * as z from "zod/mini";
import { settingsSchema } from "../../settings/settings-schema.js";
import { described } from "./common.js";
import { describeRoutes } from "./route-table.js";

export const settingsPatchBody = z.strictObject({
  ...z.partial(z.omit(settingsSchema, { guestPasswordHash: true })).shape,
  guestPassword: z.optional(
    described(
      z.nullable(z.string().check(z.minLength(8, "must be at least 8 characters"), z.maxLength(1024))),
      "plaintext, stored hashed; null removes the guest password",
    ),
  ),
});

/** Settings as the API shows them: no hash, whether a guest password is set instead. */
export const settingsView = z.strictObject({
  ...z.omit(settingsSchema, { guestPasswordHash: true }).shape,
  guestPasswordSet: z.boolean(),
});

export const settingsRoutes = describeRoutes("Settings", [
  {
    method: "get",
    path: "/admin/api/settings",
    summary: "The effective settings (no secrets).",
    responses: { "200": { description: "the settings", schema: settingsView } },
  },
  {
    method: "patch",
    path: "/admin/api/settings",
    summary: "Change settings (any subset); applied at once and shared through storage.",
    description:
      "`guestPassword` (≥ 8 characters) arrives as plaintext and is stored hashed; changing it ends every guest session. `guestPasswordHash` itself is refused.",
    body: settingsPatchBody,
    responses: { "200": { description: "the settings after the change", schema: settingsView } },
  },
]);
