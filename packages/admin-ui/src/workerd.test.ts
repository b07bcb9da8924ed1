/**
 * The sub-app in workerd (Cloudflare Workers' runtime): no filesystem, no Node APIs. The module
 * is bundled as a Worker would be and served by Miniflare.
 */
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let mf: Miniflare;

beforeAll(async () => {
  const entry = `
    import { Hono } from "hono";
    import { adminUI } from "./src/index.ts";
    const app = new Hono();
    app.route("/", adminUI());
    export default { fetch: app.fetch };
  `;
  const bundle = await build({
    stdin: { contents: entry, resolveDir: new URL("..", import.meta.url).pathname, loader: "ts" },
    bundle: true,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    conditions: ["workerd", "worker", "import"],
    write: false,
    logLevel: "silent",
  });
  mf = new Miniflare({ modules: true, script: bundle.outputFiles[0]!.text, compatibilityDate: "2025-09-01" });
});

afterAll(async () => {
  await mf?.dispose();
});

describe("adminUI() in workerd", () => {
  it("serves the shell and the hashed assets from memory", async () => {
    const shell = await mf.dispatchFetch("http://localhost/admin/keys");
    expect(shell.status).toBe(200);
    expect(shell.headers.get("content-security-policy")).toContain("script-src 'self'");
    const html = await shell.text();
    const script = /src="(\/admin\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await mf.dispatchFetch(`http://localhost${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect((await asset.text()).length).toBeGreaterThan(1000);
    expect((await mf.dispatchFetch("http://localhost/")).status).toBe(200);
  });
});
