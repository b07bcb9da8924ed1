/**
 * The route table: many routes, one pipeline. OpenAI-compatible operations are served at
 * `/v1/...` (provider chosen by model) and at `/<provider>/v1/...`; native routes a provider
 * declares are served under `/<provider>` and, for the first provider declaring them, at the root.
 */
import type { Context, Hono } from "hono";
import { GatewayError } from "../spec/errors.js";
import type { Provider } from "../spec/provider.js";
import type { ModelListHandler } from "./list-models.js";
import { canonicalNativePath } from "./native-path.js";
import type { ProxyTarget } from "./proxy-types.js";
import { registerMessagesRoutes, registerPassThroughRoutes } from "./surface-routes.js";

/** OpenAI-compatible operations every provider may serve. */
export const OPENAI_OPERATIONS: readonly { method: "GET" | "POST"; path: string }[] = [
  { method: "POST", path: "/chat/completions" },
  { method: "POST", path: "/completions" },
  { method: "POST", path: "/embeddings" },
  { method: "POST", path: "/rerank" },
  { method: "POST", path: "/images/generations" },
  { method: "POST", path: "/audio/speech" },
  { method: "POST", path: "/audio/transcriptions" },
  { method: "POST", path: "/audio/translations" },
  { method: "POST", path: "/images/edits" },
  { method: "POST", path: "/images/variations" },
  { method: "POST", path: "/moderations" },
  { method: "GET", path: "/models" },
];

type Proxy = (c: Context, target: ProxyTarget) => Promise<Response>;

export function registerProxyRoutes(
  app: Hono,
  providers: ReadonlyMap<string, Provider>,
  proxy: Proxy,
  listModels: ModelListHandler,
): void {
  app.get("/v1/models", listModels);
  for (const op of OPENAI_OPERATIONS) {
    const on = op.method === "GET" ? app.get.bind(app) : app.post.bind(app);
    if (op.path !== "/models") on(`/v1${op.path}`, (c) => proxy(c, { api: "openai", path: op.path }));
    for (const provider of providers.values()) {
      const ofProvider = op.path === "/models" ? listModels.ofProvider : undefined;
      on(`/${provider.id}/v1${op.path}`, (c) =>
        ofProvider ? ofProvider(c, provider) : proxy(c, { provider, api: "openai", path: op.path }),
      );
    }
  }
  const claimedAtRoot = new Set<string>();
  for (const provider of providers.values()) {
    for (const route of provider.nativeRoutes ?? []) {
      const on = route.method === "GET" ? app.get.bind(app) : app.post.bind(app);
      const prefix = `/${provider.id}`;
      const handle = (strip: string) => async (c: Context) => {
        try {
          return await proxy(c, {
            provider,
            api: "native",
            // Hono's path has escapes of reserved characters (`%2F`) still in; see native-path.ts.
            path: canonicalNativePath(c.req.path.slice(strip.length)),
            describe: route.describe,
          });
        } catch (error) {
          // The provider's own clients parse its error shape, not OpenAI's.
          if (!(error instanceof GatewayError) || !provider.formatNativeError) throw error;
          return provider.formatNativeError(error);
        }
      };
      on(`${prefix}${route.path}`, handle(prefix));
      const rootKey = `${route.method} ${route.path}`;
      if (!claimedAtRoot.has(rootKey)) {
        claimedAtRoot.add(rootKey);
        on(route.path, handle(""));
      }
    }
  }
  registerMessagesRoutes(app, providers, proxy);
  // Must stay last: a catch-all under each provider's pass-through prefixes (surface-routes.ts).
  registerPassThroughRoutes(app, providers, proxy);
}
