/**
 * The OpenAPI 3.1 description of the admin API, served at `/admin/api/openapi.json`, derived
 * from the route descriptions (`schemas/`): nothing here is written by hand per route.
 */
import { RECORD_NAME_PATTERN } from "../spec/storage.js";
import { ADMIN_ROUTES } from "./schemas/index.js";
import { type JsonSchema, jsonSchemaOf, NAMED_SHAPES, withNamedShapes } from "./schemas/json-schema.js";
import type { AdminRoute, RouteResponse } from "./schemas/route-table.js";

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const schemaOf = (schema: Parameters<typeof jsonSchemaOf>[0], side: "input" | "output") =>
  withNamedShapes(jsonSchemaOf(schema, side), ref);

function parameters(route: AdminRoute): JsonSchema[] {
  const inPath = [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: "path",
    required: true,
    schema: { type: "string", pattern: RECORD_NAME_PATTERN.source },
  }));
  if (!route.query) return inPath;
  const query = schemaOf(route.query, "input") as { properties?: Record<string, JsonSchema>; required?: string[] };
  const inQuery = Object.entries(query.properties ?? {}).map(([name, schema]) => ({
    name,
    in: "query",
    required: query.required?.includes(name) ?? false,
    ...(typeof schema.description === "string" ? { description: schema.description } : {}),
    schema,
  }));
  return [...inPath, ...inQuery];
}

function response({ description, schema, contentType = "application/json" }: RouteResponse) {
  if (!schema && contentType === "application/json") return { description };
  return { description, content: { [contentType]: schema ? { schema: schemaOf(schema, "output") } : {} } };
}

const SECURITY = {
  admin: [{ bearer: [] }, { session: [] }],
  none: [],
  // Per access mode: anyone (open), a guest session (restricted), an admin session (always).
  page: [{}, { guest: [] }, { session: [] }],
};

function operation(route: AdminRoute) {
  const params = parameters(route);
  const responses: Record<string, unknown> = {};
  for (const [status, value] of Object.entries(route.responses)) responses[status] = response(value);
  responses.default = { description: "OpenAI-style error", content: { "application/json": { schema: ref("Error") } } };
  return {
    tags: [route.tag],
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    security: SECURITY[route.auth ?? "admin"],
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: !route.bodyOptional,
            content: { [route.bodyContentType ?? "application/json"]: { schema: schemaOf(route.body, "input") } },
          },
        }
      : {}),
    responses,
  };
}

export const openApiDocument = {
  openapi: "3.1.0",
  info: { title: "Keyhive admin API", version: "1.0.0", description: "See ADMIN-API.md in @keyhive/gateway." },
  tags: [...new Set(ADMIN_ROUTES.map((r) => r.tag))].map((name) => ({ name })),
  components: {
    securitySchemes: {
      bearer: { type: "http", scheme: "bearer", description: "Admin password or admin token" },
      session: { type: "apiKey", in: "cookie", name: "keyhive_session" },
      guest: { type: "apiKey", in: "cookie", name: "keyhive_guest" },
    },
    schemas: Object.fromEntries(
      Object.entries(NAMED_SHAPES).map(([name, { schema, side }]) => [
        name,
        withNamedShapes(jsonSchemaOf(schema, side), ref, name),
      ]),
    ),
  },
  paths: ADMIN_ROUTES.reduce<Record<string, Record<string, unknown>>>((paths, route) => {
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, unknown>)[route.method] = operation(route);
    return paths;
  }, {}),
};
