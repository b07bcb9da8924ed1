import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { GENERATED_BEGIN, renderAdminReference, shapeText, withGeneratedReference } from "./reference.js";

const page = () => readFile(new URL("../../ADMIN-API.md", import.meta.url), "utf8");

describe("ADMIN-API.md", () => {
  it("holds the reference generated from the route descriptions (run scripts/admin-api-doc.mjs when this fails)", async () => {
    const current = await page();
    expect(current).toContain(GENERATED_BEGIN);
    expect(withGeneratedReference(current)).toBe(current);
  });

  it("lists every route and the named shapes", () => {
    const reference = renderAdminReference();
    expect(reference).toContain("#### `POST /admin/api/keys`");
    expect(reference).toContain("#### `GET /public/api/keys`");
    expect(reference).toContain("- **Key**: `{id: string, provider: string, key: string,");
    expect(reference).toContain("- 200 one page: `{data: Key[], total: number, page: number, pageSize: number}`");
  });

  it("keeps the hand-written prose around the generated section", () => {
    const page = `intro\n${GENERATED_BEGIN}\nold\n<!-- END GENERATED -->\noutro\n`;
    const next = withGeneratedReference(page, "new");
    expect(next).toBe(`intro\n${GENERATED_BEGIN}\n\nnew\n\n<!-- END GENERATED -->\noutro\n`);
    expect(() => withGeneratedReference("no markers", "new")).toThrow(/markers/);
  });
});

describe("shape text", () => {
  it("reads JSON Schema as TypeScript-like text", () => {
    expect(
      shapeText({
        type: "object",
        properties: {
          a: { type: "integer", minimum: 1, maximum: 50, default: 10 },
          b: { type: "array", items: { anyOf: [{ type: "string" }, { type: "null" }] } },
          c: { type: ["number", "null"] },
          d: { type: "object", additionalProperties: { type: "boolean" } },
          e: { enum: ["x", "y"] },
          f: {},
        },
        required: ["b", "c"],
      }),
    ).toBe(
      '{a?: integer 1–50 = 10, b: (string | null)[], c: number | null, d?: Record<string, boolean>, e?: "x" | "y", f?: unknown}',
    );
    expect(shapeText({ type: "integer", minimum: 1, maximum: Number.MAX_SAFE_INTEGER })).toBe("integer ≥ 1");
  });
});
