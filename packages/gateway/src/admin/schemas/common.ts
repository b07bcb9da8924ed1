/** Schema pieces several admin resources share. */
import * as z from "zod/mini";
import { KEY_STATUSES } from "../key-filter.js";

/** A schema with a description (shown in the OpenAPI document and the reference). */
export const described = <T extends z.ZodMiniType>(schema: T, text: string): T => schema.check(z.describe(text));

export const int = (min: number, max?: number) =>
  max === undefined
    ? z.number().check(z.int(), z.minimum(min))
    : z.number().check(z.int(), z.minimum(min), z.maximum(max));

export const keyStatus = z.enum(KEY_STATUSES);

/** Epoch milliseconds. */
export const epochMs = () => described(z.number(), "epoch ms");

/** A secret shown masked (`sk-abc…wxyz`). */
export const masked = () => described(z.string(), "masked secret");

/** Every error: OpenAI's error shape. */
export const errorBody = z.strictObject({
  error: z.strictObject({
    message: z.string(),
    type: z.string(),
    code: z.string(),
    param: z.nullable(z.string()),
  }),
});

/** A list of records. */
export const listOf = <T extends z.ZodMiniType>(item: T) => z.strictObject({ data: z.array(item) });

/** A password field of the sign-in forms. */
export const password = () => z.string().check(z.minLength(1), z.maxLength(1024));

export const signedIn = z.strictObject({ ok: z.literal(true), expiresAt: epochMs() });
