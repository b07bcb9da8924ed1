/**
 * The Hono app around the parts: errors rendered OpenAI-style, open CORS on the proxy routes,
 * and the mount order — admin API, then the UI, then the proxy routes.
 */
import { type Context, Hono } from "hono";
import { type AffinityStore, MemoryAffinity } from "../proxy/affinity.js";
import type { ProxyFunction } from "../proxy/pipeline.js";
import { registerResourceRoutes } from "../proxy/resource-routes.js";
import { registerResponsesRoutes } from "../proxy/responses-routes.js";
import { registerProxyRoutes } from "../proxy/routes.js";
import { errors, GatewayError } from "../spec/errors.js";
import type { Provider } from "../spec/provider.js";
import { InvalidRecordNameError } from "../spec/storage.js";

export interface AppParts {
  providers: ReadonlyMap<string, Provider>;
  /** Awaited by the first request (later ones skip it). */
  ready: () => Promise<unknown>;
  onError: (error: unknown) => void;
  admin: Hono;
  ui?: Hono;
  proxy: ProxyFunction;
  listModels: (c: Context) => Promise<Response>;
  /** Which key created which stateful resource. @default new MemoryAffinity() */
  affinity?: AffinityStore;
}

export function composeApp(parts: AppParts): Hono {
  const app = new Hono();
  app.onError((error) => {
    if (error instanceof GatewayError) return error.toResponse();
    // A storage refusing an unsafe id or name: the request was malformed, not the gateway.
    if (InvalidRecordNameError.isInstance(error)) return errors.badRequest(error.message, "id").toResponse();
    parts.onError(error);
    return new GatewayError("Internal gateway error.", {
      status: 500,
      type: "server_error",
      code: "internal_error",
    }).toResponse();
  });
  app.notFound((c) => errors.notFound(`Unknown route: ${c.req.method} ${c.req.path}`, "unknown_route").toResponse());
  let started = false;
  app.use("*", async (c, next) => {
    if (!started) {
      await parts.ready();
      started = true;
    }
    // Browsers call the proxy from other origins (playgrounds, chat UIs): CORS is open, and
    // authentication is by token, never by cookie, so this grants nothing.
    if (c.req.path.startsWith("/admin")) return next();
    if (c.req.method === "OPTIONS") return preflight(c);
    await next();
    c.res.headers.set("access-control-allow-origin", "*");
    if (!c.res.headers.has("cache-control")) c.res.headers.set("cache-control", "no-store");
  });
  app.route("/", parts.admin);
  if (parts.ui) app.route("/", parts.ui);
  // Before the other proxy routes: a provider's pass-through prefix must not shadow them.
  const affinity = parts.affinity ?? new MemoryAffinity();
  registerResponsesRoutes(app, parts.providers, parts.proxy, affinity);
  registerResourceRoutes(app, parts.providers, parts.proxy, affinity);
  registerProxyRoutes(app, parts.providers, parts.proxy, parts.listModels);
  return app;
}

function preflight(c: Context): Response {
  return new Response(null, {
    status: 204,
    headers: {
      "access-control-allow-origin": "*",
      "access-control-allow-methods": "GET, POST, DELETE, OPTIONS",
      "access-control-allow-headers": c.req.header("access-control-request-headers") ?? "*",
      "access-control-max-age": "86400",
    },
  });
}
