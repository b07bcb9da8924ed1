/**
 * The routes of the surfaces a provider declares besides the OpenAI-compatible one: the Messages
 * API (`Provider.surfaces`) and vendor pass-through (`Provider.passThroughPrefixes`). Same
 * pipeline as every route; only the error shape and the target differ.
 */
import type { Context, Hono } from "hono";
import { GatewayError } from "../spec/errors.js";
import type { Provider } from "../spec/provider.js";
import { messagesErrorResponse } from "./messages-surface.js";
import { canonicalNativePath } from "./native-path.js";
import type { ProxyTarget } from "./proxy-types.js";
import { providersServing } from "./surfaces.js";

type Proxy = (c: Context, target: ProxyTarget) => Promise<Response>;

/** Messages operations, as paths under `/v1`. */
export const MESSAGES_OPERATIONS: readonly string[] = ["/messages", "/messages/count_tokens"];

/**
 * `POST /v1/messages[/count_tokens]` (provider chosen by model among those declaring `messages`)
 * and `POST /<provider>/v1/messages[/count_tokens]` for each of them. Every gateway error here is
 * in the Messages API's shape.
 */
export function registerMessagesRoutes(app: Hono, providers: ReadonlyMap<string, Provider>, proxy: Proxy): void {
  const serving = providersServing(providers, "messages");
  if (serving.size === 0) return;
  for (const path of MESSAGES_OPERATIONS) {
    const handle = (provider: Provider | undefined) => async (c: Context) => {
      try {
        return await proxy(c, { provider, api: "messages", path });
      } catch (error) {
        if (error instanceof GatewayError) return messagesErrorResponse(error);
        throw error;
      }
    };
    app.post(`/v1${path}`, handle(undefined));
    for (const provider of serving.values()) app.post(`/${provider.id}/v1${path}`, handle(provider));
  }
}

/**
 * A catch-all, any method, under each pass-through prefix of each provider mount. Registered
 * after every other route: Hono tries routes in registration order, so known routes win.
 * Errors are the provider's native shape when it has one, else OpenAI's.
 */
export function registerPassThroughRoutes(app: Hono, providers: ReadonlyMap<string, Provider>, proxy: Proxy): void {
  for (const provider of providers.values()) {
    const mount = `/${provider.id}`;
    for (const prefix of new Set(provider.passThroughPrefixes ?? [])) {
      const base = prefix.replace(/^\/+|\/+$/g, "");
      app.all(base ? `${mount}/${base}/*` : `${mount}/*`, async (c) => {
        try {
          // The path as the client wrote it under the mount, prefix included (`/v1/video/submit`).
          const path = canonicalNativePath(c.req.path.slice(mount.length));
          return await proxy(c, { provider, api: "pass-through", path });
        } catch (error) {
          if (!(error instanceof GatewayError) || !provider.formatNativeError) throw error;
          return provider.formatNativeError(error);
        }
      });
    }
  }
}
