/**
 * The Responses API (`/v1/responses` and its follow-ups by id) for the providers declaring the
 * `responses` surface: at `/v1/...` (create: provider by model; by id: the provider and key that
 * created the response) and at `/<provider>/v1/...`. Streams pass through as their typed SSE.
 */
import type { Context, Hono } from "hono";
import type { Provider } from "../spec/provider.js";
import type { AffinityStore } from "./affinity.js";
import type { ProxyTarget } from "./proxy-types.js";
import { registerStatefulRoutes, type StatefulOperation } from "./stateful-routes.js";

export const RESPONSES_OPERATIONS: readonly StatefulOperation[] = [
  {
    method: "POST",
    path: "/responses",
    creates: true,
    refersBy: { field: "previous_response_id", noun: "response" },
  },
  { method: "GET", path: "/responses/:id" },
  { method: "DELETE", path: "/responses/:id" },
  { method: "POST", path: "/responses/:id/cancel" },
  { method: "GET", path: "/responses/:id/input_items" },
];

export function registerResponsesRoutes(
  app: Hono,
  providers: ReadonlyMap<string, Provider>,
  proxy: (c: Context, target: ProxyTarget) => Promise<Response>,
  affinity: AffinityStore,
): void {
  const serving = [...providers.values()].filter((provider) => provider.surfaces?.includes("responses"));
  registerStatefulRoutes(
    app,
    { api: "responses", noun: "response", byModel: true, operations: RESPONSES_OPERATIONS, providers: serving },
    proxy,
    affinity,
  );
}
