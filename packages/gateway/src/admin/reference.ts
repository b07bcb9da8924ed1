/**
 * The reference part of ADMIN-API.md, rendered from the route descriptions (`schemas/`) as
 * compact TypeScript-like shapes. `scripts/admin-api-doc.mjs` writes it between the markers;
 * a test fails when the checked-in page differs.
 */
import { ADMIN_ROUTES } from "./schemas/index.js";
import {
  type JsonSchema,
  jsonSchemaOf,
  NAMED_SHAPES,
  type SchemaSide,
  withNamedShapes,
} from "./schemas/json-schema.js";
import type { AdminRoute } from "./schemas/route-table.js";

export const GENERATED_BEGIN = "<!-- BEGIN GENERATED: the route reference (node scripts/admin-api-doc.mjs) -->";
export const GENERATED_END = "<!-- END GENERATED -->";

const NAME = "x-shape";

/** A JSON Schema as one line of TypeScript-like text: `{id: string, tags?: string[]}`. */
export function shapeText(node: JsonSchema): string {
  if (typeof node[NAME] === "string") return node[NAME];
  if (Array.isArray(node.anyOf)) return (node.anyOf as JsonSchema[]).map(shapeText).join(" | ");
  if (Array.isArray(node.oneOf)) return (node.oneOf as JsonSchema[]).map(shapeText).join(" | ");
  if ("const" in node) return JSON.stringify(node.const);
  if (Array.isArray(node.enum)) return node.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (Array.isArray(node.type)) return node.type.map((type) => shapeText({ ...node, type })).join(" | ");
  switch (node.type) {
    case "object":
      return objectText(node);
    case "array": {
      const items = (node.items as JsonSchema | undefined) ?? {};
      const item = shapeText(items);
      return isUnion(items) ? `(${item})[]` : `${item}[]`;
    }
    case "integer":
    case "number":
      return `${node.type}${rangeText(node)}`;
    case "string":
    case "boolean":
    case "null":
      return node.type;
    default:
      return "unknown";
  }
}

const isUnion = (node: JsonSchema) =>
  typeof node[NAME] !== "string" &&
  (Array.isArray(node.anyOf) ||
    Array.isArray(node.oneOf) ||
    Array.isArray(node.type) ||
    (Array.isArray(node.enum) && node.enum.length > 1));

/** A bound worth showing (integers carry ±MAX_SAFE_INTEGER, which says nothing). */
const bound = (value: unknown) =>
  typeof value === "number" && Math.abs(value) < Number.MAX_SAFE_INTEGER ? value : undefined;

function rangeText(node: JsonSchema): string {
  const min = bound(node.minimum);
  const max = bound(node.maximum);
  const above = bound(node.exclusiveMinimum);
  if (min !== undefined && max !== undefined) return ` ${min}–${max}`;
  const parts = [
    min !== undefined ? `≥ ${min}` : above !== undefined ? `> ${above}` : "",
    max !== undefined ? `≤ ${max}` : "",
  ].filter(Boolean);
  return parts.length > 0 ? ` ${parts.join(" ")}` : "";
}

function objectText(node: JsonSchema): string {
  const properties = node.properties as Record<string, JsonSchema> | undefined;
  if (!properties) {
    const values = node.additionalProperties;
    return `Record<string, ${values && typeof values === "object" ? shapeText(values as JsonSchema) : "unknown"}>`;
  }
  const required = new Set((node.required as string[] | undefined) ?? []);
  const fields = Object.entries(properties).map(([name, value]) => {
    const fallback = "default" in value ? ` = ${JSON.stringify(value.default)}` : "";
    return `${name}${required.has(name) ? "" : "?"}: ${shapeText(value)}${fallback}`;
  });
  return `{${fields.join(", ")}}`;
}

const text = (schema: Parameters<typeof jsonSchemaOf>[0], side: SchemaSide) =>
  shapeText(withNamedShapes(jsonSchemaOf(schema, side), (name) => ({ [NAME]: name })));

const AUTH = { admin: "admin", none: "no authentication", page: "per access mode" };

function routeText(route: AdminRoute): string {
  const lines = [`#### \`${route.method.toUpperCase()} ${route.path}\``, "", route.summary];
  if (route.description) lines.push("", route.description);
  lines.push("");
  if ((route.auth ?? "admin") !== "admin") lines.push(`- Auth: ${AUTH[route.auth ?? "admin"]}`);
  if (route.query) {
    // A query is a list of parameters, not an object: drop the braces.
    lines.push(`- Query: \`${text(route.query, "input").slice(1, -1)}\``);
  }
  if (route.body) {
    const type = route.bodyContentType ? ` (${route.bodyContentType})` : "";
    lines.push(`- Body${type}${route.bodyOptional ? ", may be empty" : ""}: \`${text(route.body, "input")}\``);
  }
  for (const [status, response] of Object.entries(route.responses)) {
    const type = response.contentType ? ` (${response.contentType})` : "";
    const shape = response.schema ? `: \`${text(response.schema, "output")}\`` : "";
    lines.push(`- ${status} ${response.description}${type}${shape}`);
  }
  return lines.join("\n");
}

/** The generated section: every route by section, then the named shapes. */
export function renderAdminReference(): string {
  const out: string[] = [];
  for (const tag of new Set(ADMIN_ROUTES.map((r) => r.tag))) {
    out.push(`### ${tag}`, "");
    for (const route of ADMIN_ROUTES.filter((r) => r.tag === tag)) out.push(routeText(route), "");
  }
  out.push("### Shapes", "");
  for (const [name, { schema, side }] of Object.entries(NAMED_SHAPES)) {
    const json = withNamedShapes(jsonSchemaOf(schema, side), (n) => ({ [NAME]: n }), name);
    out.push(`- **${name}**: \`${shapeText(json)}\``);
  }
  return out.join("\n").trim();
}

/** The page with its generated section replaced (the markers must be there). */
export function withGeneratedReference(page: string, reference = renderAdminReference()): string {
  const begin = page.indexOf(GENERATED_BEGIN);
  const end = page.indexOf(GENERATED_END);
  if (begin < 0 || end < begin) throw new Error(`ADMIN-API.md lacks the markers ${GENERATED_BEGIN} … ${GENERATED_END}`);
  return `${page.slice(0, begin + GENERATED_BEGIN.length)}\n\n${reference}\n\n${page.slice(end)}`;
}
