import { errors } from "../spec/errors.js";

/**
 * Reads a request body once, refusing more than `limit` bytes without reading them all: the
 * body is resent on failover, so it must be held, but never without a bound.
 */
export async function readBody(request: Request, limit: number): Promise<ArrayBuffer | null> {
  if (request.method === "GET" || request.method === "HEAD") return null;
  // Headers only: on Node, touching `request.body` would build a full web Request and stream.
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (declared > limit) throw errors.tooLarge(limit);
  if (declared === 0) return null;
  if (declared > 0) {
    // Known length within the limit: the runtime's own reader is the fastest path.
    const body = await request.arrayBuffer();
    if (body.byteLength > limit) throw errors.tooLarge(limit);
    return body;
  }
  if (!request.body) return null;
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw errors.tooLarge(limit);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out.buffer;
}

export interface RequestFacts {
  model?: string;
  stream: boolean;
  /** The parsed JSON body, when it was JSON (so nobody parses it twice). */
  json?: Record<string, unknown>;
}

const decoder = new TextDecoder();

/** Finds the model and stream flag of a request without changing its body. */
export async function describeBody(body: ArrayBuffer | null, contentType: string): Promise<RequestFacts> {
  if (!body || body.byteLength === 0) return { stream: false };
  if (contentType.includes("application/json")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(decoder.decode(body));
    } catch (error) {
      throw errors.invalidJson(error instanceof Error ? error.message : String(error));
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw errors.badRequest("Request body must be a JSON object.");
    }
    const { model, stream } = parsed as { model?: unknown; stream?: unknown };
    if (model !== undefined && typeof model !== "string") throw errors.badRequest("`model` must be a string.", "model");
    return { model, stream: stream === true, json: parsed as Record<string, unknown> };
  }
  if (contentType.includes("multipart/form-data")) {
    // Audio transcriptions: the model is a form field. Parsing a copy leaves the body intact.
    try {
      const form = await new Response(body, { headers: { "content-type": contentType } }).formData();
      const model = form.get("model");
      return { model: typeof model === "string" ? model : undefined, stream: form.get("stream") === "true" };
    } catch {
      throw errors.badRequest("Request body is not valid multipart/form-data.");
    }
  }
  return { stream: false };
}
