/**
 * zod schemas as JSON Schema (draft 2020-12, what OpenAPI 3.1 speaks), with the shapes that
 * recur named once: a subtree equal to a named shape becomes a `$ref` to it.
 */
import * as z from "zod/mini";
import { keyFilterSchema } from "../key-filter.js";
import { adminTokenView } from "./auth.js";
import { checkJobView, checkResultEvent, checkSettingsSchema } from "./checks.js";
import { errorBody } from "./common.js";
import { exportedKey } from "./data.js";
import { keyView } from "./keys.js";
import { requestRecord } from "./logs.js";
import { settingsView } from "./settings.js";
import { tokenUsage, tokenView } from "./tokens.js";

export type JsonSchema = { [key: string]: unknown };

/** `input`: what a route accepts (defaults optional); `output`: what it sends. */
export type SchemaSide = "input" | "output";

/** Shapes shown by name (OpenAPI `components.schemas`, the reference's "Shapes"). */
export const NAMED_SHAPES: Record<string, { schema: z.core.$ZodType; side: SchemaSide }> = {
  Error: { schema: errorBody, side: "output" },
  Key: { schema: keyView, side: "output" },
  KeyFilter: { schema: keyFilterSchema, side: "input" },
  CheckSettings: { schema: checkSettingsSchema, side: "input" },
  Job: { schema: checkJobView, side: "output" },
  CheckResult: { schema: checkResultEvent, side: "output" },
  Token: { schema: tokenView, side: "output" },
  TokenUsage: { schema: tokenUsage, side: "output" },
  AdminToken: { schema: adminTokenView, side: "output" },
  Settings: { schema: settingsView, side: "output" },
  ExportedKey: { schema: exportedKey, side: "output" },
  RequestRecord: { schema: requestRecord, side: "output" },
};

/** The plain JSON Schema of one zod schema (no `$schema` line: it is embedded). */
export function jsonSchemaOf(schema: z.core.$ZodType, side: SchemaSide): JsonSchema {
  // Transforms (query flags) have no JSON output: "any" keeps the rest of the shape.
  const { $schema: _, ...json } = z.toJSONSchema(schema, { io: side, unrepresentable: "any" }) as JsonSchema;
  return json;
}

const named = new Map<string, string>();
for (const [name, { schema, side }] of Object.entries(NAMED_SHAPES)) {
  named.set(JSON.stringify(jsonSchemaOf(schema, side)), name);
}

/** Replaces every subtree equal to a named shape (except `except`) with `toRef(name)`. */
export function withNamedShapes(json: JsonSchema, toRef: (name: string) => JsonSchema, except?: string): JsonSchema {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!node || typeof node !== "object") return node;
    const name = named.get(JSON.stringify(node));
    if (name && name !== except) return toRef(name);
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]));
  };
  return walk(json) as JsonSchema;
}
