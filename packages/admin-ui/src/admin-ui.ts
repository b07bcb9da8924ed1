/**
 * `adminUI()`: a Hono sub-app serving the admin web app at `/admin` (deep links included) and the
 * public key page at `/`. The assets are embedded in this module at build time, so it runs on
 * Workers, Node, Bun and Deno alike with no filesystem, CDN or network.
 */
import { Hono } from "hono";
import { assets, type EmbeddedAsset } from "./generated/assets.js";

export interface AdminUIOptions {
  /**
   * Serve the public key page at `/`. Its content still follows the gateway's `accessMode`
   * setting (open, restricted, private). @default true
   */
  publicPage?: boolean;
}

/** No inline scripts or styles, no third-party origins: everything comes from the gateway. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "x-frame-options": "DENY",
};

const IMMUTABLE = "public, max-age=31536000, immutable";

function respond(asset: EmbeddedAsset, cacheControl: string, method: string): Response {
  const headers = new Headers({ "content-type": asset.type, "cache-control": cacheControl });
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) headers.set(name, value);
  return new Response(method === "HEAD" ? null : asset.body, { status: 200, headers });
}

/**
 * @example
 * ```ts
 * import { createGateway } from "@keyhive/gateway";
 * import { adminUI } from "@keyhive/admin-ui";
 * const gateway = createGateway({ providers, storage, ui: adminUI() });
 * ```
 */
export function adminUI(options: AdminUIOptions = {}): Hono {
  const app = new Hono();
  const index = assets["/index.html"];
  if (!index) throw new Error("@keyhive/admin-ui was built without its client assets.");

  // Hashed files never change under their name: cache them for a year.
  app.on(["GET", "HEAD"], "/admin/assets/*", (c, next) => {
    const asset = assets[c.req.path.slice("/admin".length)];
    return asset ? respond(asset, IMMUTABLE, c.req.method) : next();
  });

  // The SPA shell must never be cached: it names the current hashed assets.
  const shell = (c: { req: { path: string; method: string } }, next: () => Promise<void>) => {
    // Unknown admin API routes stay the API's 404s, never the HTML shell.
    if (c.req.path.startsWith("/admin/api/") || c.req.path.startsWith("/admin/assets/")) return next();
    return respond(index, "no-store", c.req.method);
  };
  app.on(["GET", "HEAD"], "/admin", shell);
  app.on(["GET", "HEAD"], "/admin/*", shell);
  if (options.publicPage !== false) app.on(["GET", "HEAD"], "/", shell);
  return app;
}
