import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { assets } from "./generated/assets.js";
import { adminUI, CONTENT_SECURITY_POLICY } from "./index.js";

const app = new Hono();
app.route("/", adminUI());
app.get("/admin/api/known", (c) => c.json({ ok: true }));
app.notFound((c) => c.json({ error: "not found" }, 404));

describe("adminUI()", () => {
  it("serves the SPA shell at /admin and deep links, never cached, with a strict CSP", async () => {
    for (const path of ["/admin", "/admin/", "/admin/keys", "/admin/settings?x=1", "/"]) {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(res.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
      const html = await res.text();
      expect(html).toContain('<div id="app">');
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    }
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain("unsafe-inline");
  });

  it("serves hashed assets with their type and a year of cache", async () => {
    const js = Object.keys(assets).find((p) => p.endsWith(".js"))!;
    const css = Object.keys(assets).find((p) => p.endsWith(".css"))!;
    const resJs = await app.request(`/admin${js}`);
    expect(resJs.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(resJs.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(await resJs.text()).toBe(assets[js]!.body);
    const resCss = await app.request(`/admin${css}`);
    expect(resCss.headers.get("content-type")).toBe("text/css; charset=utf-8");
    const head = await app.request(`/admin${css}`, { method: "HEAD" });
    expect(head.status).toBe(200);
  });

  it("leaves unknown assets and admin API routes to the routes after it", async () => {
    expect((await app.request("/admin/assets/nope.js")).status).toBe(404);
    expect((await app.request("/admin/api/missing")).status).toBe(404);
    expect(await (await app.request("/admin/api/known")).json()).toEqual({ ok: true });
    expect((await app.request("/v1/models")).status).toBe(404);
  });

  it("can leave / to others", async () => {
    const only = new Hono();
    only.route("/", adminUI({ publicPage: false }));
    expect((await only.request("/")).status).toBe(404);
    expect((await only.request("/admin")).status).toBe(200);
  });
});
