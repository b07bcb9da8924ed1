import { createMemoryStorage } from "@keyhive/storage";
import { describe, expect, it } from "vitest";
import { createGateway } from "../gateway.js";
import { startRig } from "../test-support.js";
import { openApiDocument } from "./openapi.js";

describe("OpenAPI document", () => {
  it("lists every admin, public and metrics route the gateway registers", () => {
    const gateway = createGateway({ providers: [], storage: createMemoryStorage(), onError: () => {} });
    const documented = new Set(
      Object.entries(openApiDocument.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`)),
    );
    const registered = gateway.app.routes
      .filter((r) => r.method !== "ALL" && /^\/(admin\/api|public\/api|metrics)/.test(r.path))
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, "{$1}")}`);
    expect(registered.length).toBeGreaterThan(30);
    const missing = [...new Set(registered)].filter((r) => !documented.has(r));
    expect(missing).toEqual([]);
  });

  it("is served without authentication at /admin/api/openapi.json", async () => {
    const rig = await startRig({});
    try {
      const res = await fetch(`${rig.url}/admin/api/openapi.json`);
      expect(res.status).toBe(200);
      const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
      expect(doc.openapi).toBe("3.1.0");
      expect(doc.paths["/admin/api/keys"]).toBeDefined();
    } finally {
      await rig.close();
    }
  });
});
