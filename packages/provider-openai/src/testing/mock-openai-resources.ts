/**
 * The mock's stored resources: files (multipart upload, list, get, content, delete), batches
 * (created from an uploaded file, completed at once with an output file), uploads and vector
 * stores (create, get, cancel, delete). Like stored responses, each belongs to the key that
 * created it: under another key its id is a 404.
 */
import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import { sendJson } from "@keyhive/gateway/testing";
import { openAIError } from "./mock-openai-errors.js";
import type { OpenAIRouteContext } from "./mock-openai-routes.js";

type Handler = (res: ServerResponse, context: OpenAIRouteContext) => void | Promise<void>;
type Resource = Record<string, unknown>;

const KINDS: Record<string, { prefix: string; object: string }> = {
  files: { prefix: "file-", object: "file" },
  batches: { prefix: "batch_", object: "batch" },
  uploads: { prefix: "upload_", object: "upload" },
  vector_stores: { prefix: "vs_", object: "vector_store" },
};

function storeOf(context: OpenAIRouteContext): Map<string, Resource> {
  let store = context.resources.get(context.key);
  if (!store) {
    store = new Map();
    context.resources.set(context.key, store);
  }
  return store;
}

function make(context: OpenAIRouteContext, kind: string, fields: Resource): Resource {
  const { prefix, object } = KINDS[kind] as { prefix: string; object: string };
  const resource = { id: `${prefix}${randomBytes(12).toString("hex")}`, object, created_at: 1_700_000_000, ...fields };
  storeOf(context).set(resource.id, resource);
  return resource;
}

const notFound = (res: ServerResponse, kind: string, id: string) =>
  openAIError(res, 404, `No such ${KINDS[kind]?.object ?? "object"}: '${id}'`, "invalid_request_error", null);

async function createFile(res: ServerResponse, context: OpenAIRouteContext): Promise<void> {
  if (!context.contentType.includes("multipart/form-data")) {
    return openAIError(res, 400, "Expected multipart/form-data.", "invalid_request_error", null);
  }
  const form = await new Response(new Uint8Array(context.body), {
    headers: { "content-type": context.contentType },
  }).formData();
  const file = form.get("file");
  const content = file instanceof Blob ? await file.text() : "";
  const name = file instanceof File ? file.name : "upload";
  sendJson(
    res,
    200,
    make(context, "files", { bytes: content.length, filename: name, purpose: form.get("purpose"), content }),
  );
}

function create(kind: string): Handler {
  return (res, context) => {
    const { json } = context;
    if (kind === "batches") {
      const input = json.input_file_id;
      if (typeof input !== "string" || !storeOf(context).has(input)) return notFound(res, "files", String(input));
      const output = make(context, "files", {
        bytes: 2,
        filename: "batch_output.jsonl",
        purpose: "batch_output",
        content: "{}",
      });
      return sendJson(
        res,
        200,
        make(context, kind, { ...json, status: "completed", output_file_id: output.id, error_file_id: null }),
      );
    }
    sendJson(res, 200, make(context, kind, { ...json, status: kind === "uploads" ? "pending" : "completed" }));
  };
}

function list(kind: string): Handler {
  return (res, context) => {
    const object = KINDS[kind]?.object;
    const data = [...storeOf(context).values()].filter((r) => r.object === object).map(({ content: _, ...r }) => r);
    sendJson(res, 200, { object: "list", data, has_more: false });
  };
}

function byId(kind: string, action: string, method: string): Handler {
  return (res, context) => {
    const id = decodeURIComponent(context.path.split("/")[2] ?? "");
    const store = storeOf(context);
    const resource = store.get(id);
    if (!resource || resource.object !== KINDS[kind]?.object) return notFound(res, kind, id);
    if (action === "/content") {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      return void res.end(String(resource.content ?? ""));
    }
    if (method === "DELETE") {
      store.delete(id);
      return sendJson(res, 200, { id, object: resource.object, deleted: true });
    }
    if (action === "/cancel") resource.status = "cancelled";
    const { content: _, ...shown } = resource;
    sendJson(res, 200, shown);
  };
}

/** The handler of a resource path (under the prefix), or undefined when it is not one. */
export function resourcesRoute(method: string, path: string): Handler | undefined {
  const match = /^\/(files|batches|uploads|vector_stores)(?:\/([^/]+)(\/content|\/cancel)?)?$/.exec(path);
  if (!match) return undefined;
  const [, kind = "", id, action = ""] = match;
  if (id === undefined) {
    if (method === "GET") return list(kind);
    if (method !== "POST") return undefined;
    return kind === "files" ? createFile : create(kind);
  }
  if (method === "GET" && action !== "/cancel") return byId(kind, action, method);
  if (method === "DELETE" && action === "") return byId(kind, action, method);
  if (method === "POST" && action === "/cancel") return byId(kind, action, method);
  return undefined;
}
