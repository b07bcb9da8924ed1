import { describe, expect, it } from "vitest";
import { createMemoryStorage, startRig } from "../../test/support/index.js";
import { createGateway } from "../gateway.js";
import { openApiDocument } from "./openapi.js";
import { ADMIN_ROUTES } from "./schemas/index.js";

/** `get /admin/api/keys/{id}` for every route the gateway registers on the admin surface. */
function registeredRoutes(): Set<string> {
  const gateway = createGateway({ providers: [], storage: createMemoryStorage(), onError: () => {} });
  return new Set(
    gateway.app.routes
      .filter((r) => r.method !== "ALL" && /^\/(admin\/api|public\/api|metrics)/.test(r.path))
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, "{$1}")}`),
  );
}

/** Every `$ref` in a document, with where it was found. */
function refsOf(node: unknown, at = "#"): { ref: string; at: string }[] {
  if (!node || typeof node !== "object") return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === "$ref" && typeof value === "string" ? [{ ref: value, at }] : refsOf(value, `${at}/${key}`),
  );
}

describe("route descriptions", () => {
  it("describe every admin, public and metrics route the gateway registers, and no other", () => {
    const registered = registeredRoutes();
    const described = ADMIN_ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(registered.size).toBeGreaterThan(30);
    expect([...registered].filter((r) => !described.includes(r))).toEqual([]);
    expect(described.filter((r) => !registered.has(r))).toEqual([]);
    expect(new Set(described).size).toBe(described.length);
  });

  it("give every route a summary and at least one success response", () => {
    for (const route of ADMIN_ROUTES) {
      expect(route.summary, `${route.method} ${route.path}`).not.toBe("");
      const statuses = Object.keys(route.responses).map(Number);
      expect(
        statuses.some((s) => s >= 200 && s < 300),
        `${route.method} ${route.path}`,
      ).toBe(true);
    }
  });
});

describe("OpenAPI document", () => {
  it("is OpenAPI 3.1 with one operation per described route", () => {
    expect(openApiDocument.openapi).toBe("3.1.0");
    const operations = Object.entries(openApiDocument.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m} ${path}`),
    );
    expect(operations.sort()).toEqual(ADMIN_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it("carries the schemas: bodies, query parameters, path parameters and JSON responses", () => {
    // biome-ignore lint/suspicious/noExplicitAny: reading deep into a JSON document
    const paths = openApiDocument.paths as Record<string, Record<string, any>>;
    const add = paths["/admin/api/keys"]?.post;
    const body = add.requestBody.content["application/json"].schema;
    expect(body.required).toEqual(["provider", "keys"]);
    expect(body.additionalProperties).toBe(false);
    expect(add.responses["201"].content["application/json"].schema.properties.added.type).toBe("array");
    const list = paths["/admin/api/keys"]?.get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toContain("pageSize");
    expect(list.responses["200"].content["application/json"].schema.properties.data.items).toEqual({
      $ref: "#/components/schemas/Key",
    });
    const one = paths["/admin/api/keys/{id}"]?.get;
    expect(one.parameters).toEqual([expect.objectContaining({ name: "id", in: "path", required: true })]);
    expect(paths["/admin/api/checks/{jobId}"]?.get.parameters[0].name).toBe("jobId");
    expect(paths["/admin/api/login"]?.post.security).toEqual([]);
    expect(paths["/admin/api/stats"]?.get.security).toEqual([{ bearer: [] }, { session: [] }]);
  });

  it("names recurring shapes once, and every reference resolves", () => {
    const schemas = openApiDocument.components.schemas as Record<string, unknown>;
    expect(Object.keys(schemas)).toEqual(expect.arrayContaining(["Key", "Job", "Token", "Error", "KeyFilter"]));
    const refs = refsOf(openApiDocument);
    expect(refs.length).toBeGreaterThan(20);
    const unresolved = refs.filter(({ ref }) => !(ref.replace("#/components/schemas/", "") in schemas));
    expect(unresolved).toEqual([]);
    // A named shape never refers to itself (no accidental cycle from the naming).
    for (const [name, schema] of Object.entries(schemas)) {
      expect(refsOf(schema).map((r) => r.ref)).not.toContain(`#/components/schemas/${name}`);
    }
  });

  it("is served without authentication at /admin/api/openapi.json", async () => {
    const rig = await startRig({});
    try {
      const res = await fetch(`${rig.url}/admin/api/openapi.json`);
      expect(res.status).toBe(200);
      const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
      expect(doc).toEqual(JSON.parse(JSON.stringify(openApiDocument)));
    } finally {
      await rig.close();
    }
  });
});
