/**
 * OpenAI's stored resources — files, batches, uploads and vector stores — with the same key
 * affinity as stored responses (stateful-routes.ts): each lives in the account of the key that
 * created it, so every id an answer names (a created file, a batch's output file, the items of a
 * listing) is remembered with the key that served it, and every follow-up by id goes to that key.
 * Served at `/v1/...` and `/<provider>/v1/...` for the providers declaring the `responses`
 * surface (the upstreams with OpenAI's stateful API); creating calls name no model, so the bare
 * route uses the first of them. Other providers keep these paths on their pass-through.
 */
import type { Context, Hono } from "hono";
import type { Provider } from "../spec/provider.js";
import type { AffinityStore } from "./affinity.js";
import type { ProxyTarget } from "./proxy-types.js";
import { registerStatefulRoutes, type StatefulOperation } from "./stateful-routes.js";
import { providersServing } from "./surfaces.js";

const FILE = { field: "input_file_id", noun: "file" } as const;
const BATCH_FILES = ["output_file_id", "error_file_id"] as const;
const VS = "vector store";

export const RESOURCE_OPERATIONS: readonly StatefulOperation[] = [
  { method: "POST", path: "/files", creates: true },
  { method: "GET", path: "/files", creates: ["data[].id"] },
  { method: "GET", path: "/files/:id", noun: "file" },
  { method: "DELETE", path: "/files/:id", noun: "file" },
  { method: "GET", path: "/files/:id/content", noun: "file" },
  { method: "POST", path: "/batches", creates: ["id", ...BATCH_FILES], refersBy: FILE },
  { method: "GET", path: "/batches", creates: ["data[].id", "data[].output_file_id", "data[].error_file_id"] },
  { method: "GET", path: "/batches/:id", noun: "batch", creates: BATCH_FILES },
  { method: "POST", path: "/batches/:id/cancel", noun: "batch" },
  { method: "POST", path: "/uploads", creates: true },
  { method: "POST", path: "/uploads/:id/parts", noun: "upload" },
  { method: "POST", path: "/uploads/:id/complete", noun: "upload", creates: ["file.id"] },
  { method: "POST", path: "/uploads/:id/cancel", noun: "upload" },
  { method: "POST", path: "/vector_stores", creates: true, refersBy: { field: "file_ids", noun: "file" } },
  { method: "GET", path: "/vector_stores", creates: ["data[].id"] },
  { method: "GET", path: "/vector_stores/:id", noun: VS },
  { method: "POST", path: "/vector_stores/:id", noun: VS },
  { method: "DELETE", path: "/vector_stores/:id", noun: VS },
  { method: "POST", path: "/vector_stores/:id/search", noun: VS },
  { method: "GET", path: "/vector_stores/:id/files", noun: VS },
  { method: "POST", path: "/vector_stores/:id/files", noun: VS },
  { method: "GET", path: "/vector_stores/:id/files/:file_id", noun: VS },
  { method: "POST", path: "/vector_stores/:id/files/:file_id", noun: VS },
  { method: "DELETE", path: "/vector_stores/:id/files/:file_id", noun: VS },
  { method: "GET", path: "/vector_stores/:id/files/:file_id/content", noun: VS },
  { method: "POST", path: "/vector_stores/:id/file_batches", noun: VS },
  { method: "GET", path: "/vector_stores/:id/file_batches/:batch_id", noun: VS },
  { method: "POST", path: "/vector_stores/:id/file_batches/:batch_id/cancel", noun: VS },
  { method: "GET", path: "/vector_stores/:id/file_batches/:batch_id/files", noun: VS },
];

export function registerResourceRoutes(
  app: Hono,
  providers: ReadonlyMap<string, Provider>,
  proxy: (c: Context, target: ProxyTarget) => Promise<Response>,
  affinity: AffinityStore,
): void {
  const serving = [...providersServing(providers, "responses").values()];
  registerStatefulRoutes(
    app,
    { api: "openai", noun: "resource", byModel: false, operations: RESOURCE_OPERATIONS, providers: serving },
    proxy,
    affinity,
  );
}
