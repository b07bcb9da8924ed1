/**
 * Request validation for admin routes: zod schemas in, OpenAI-style 400s out, with the failing
 * field's path in `param` so a form can put the message next to the right input.
 */
import type { Context } from "hono";
import * as z from "zod/mini";
import en from "zod/v4/locales/en.js";
import { errors, type GatewayError } from "../spec/errors.js";

// zod/mini ships without messages; load the English ones (the classic API's defaults).
z.config(en());

/** Turns a zod error into a 400 naming the first failing field (`param` = its dotted path). */
export function validationError(error: z.core.$ZodError, where: "body" | "query" = "body"): GatewayError {
  const issue = error.issues[0];
  const path = issue?.path.map(String) ?? [];
  // An unknown field is reported on the object; name the field itself.
  if (issue?.code === "unrecognized_keys" && issue.keys[0]) path.push(issue.keys[0]);
  const param = path.join(".") || where;
  const more = error.issues.length > 1 ? ` (${error.issues.length - 1} more problem(s))` : "";
  const subject = param === where ? `request ${where}` : `field '${param}'`;
  return errors.badRequest(`Invalid ${subject}: ${issue?.message ?? "invalid value"}${more}`, param);
}

export interface ReadJsonOptions {
  /** Treat an empty body as `{}` (routes whose every field is optional). @default false */
  optional?: boolean;
}

/** Reads and validates a JSON body. The body limit middleware has already bounded its size. */
export async function readJson<S extends z.core.$ZodType>(
  c: Context,
  schema: S,
  options: ReadJsonOptions = {},
): Promise<z.output<S>> {
  const text = await c.req.text();
  let json: unknown;
  if (text.trim() === "" && options.optional) json = {};
  else {
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw errors.invalidJson(error instanceof Error ? error.message : String(error));
    }
  }
  const parsed = z.safeParse(schema, json);
  if (!parsed.success) throw validationError(parsed.error, "body");
  return parsed.data;
}

/** Validates the query string (single values; repeat-free). */
export function readQuery<S extends z.core.$ZodType>(c: Context, schema: S): z.output<S> {
  const parsed = z.safeParse(schema, c.req.query());
  if (!parsed.success) throw validationError(parsed.error, "query");
  return parsed.data;
}

/** A strict boolean query flag: only "true"/"false"/"1"/"0" (the string "false" is false). */
export const queryBoolean = z.pipe(
  z.optional(z.enum(["true", "false", "1", "0"])),
  z.transform((v) => v === "true" || v === "1"),
);
