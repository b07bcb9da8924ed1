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

/**
 * The media type of a `Content-Type` value: lowercased, parameters dropped (RFC 9110 §8.3.1:
 * type and subtype are case-insensitive), so `Application/JSON; charset=utf-8` reads as JSON.
 */
export function mediaTypeOf(contentType: string): string {
  const semicolon = contentType.indexOf(";");
  return (semicolon < 0 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}

/** `application/json` and structured `+json` types (RFC 6839), e.g. `application/vnd.api+json`. */
const isJsonMediaType = (type: string) => type === "application/json" || type.endsWith("+json");

/**
 * Finds the model and stream flag of a request without changing its body.
 *
 * A body labelled JSON must be a JSON object (else 400). A body labelled otherwise, or not at
 * all, that is a JSON object by content is read as JSON too: upstreams that parse it anyway
 * would otherwise receive a model no token scope ever saw.
 */
export async function describeBody(body: ArrayBuffer | null, contentType: string): Promise<RequestFacts> {
  if (!body || body.byteLength === 0) return { stream: false };
  const type = mediaTypeOf(contentType);
  if (isJsonMediaType(type)) return factsOfJson(parseJson(body));
  if (type === "multipart/form-data") {
    // Audio transcriptions: the model is a form field. Parsing a copy leaves the body intact.
    try {
      const form = await new Response(body, { headers: { "content-type": contentType } }).formData();
      const model = form.get("model");
      return { model: typeof model === "string" ? model : undefined, stream: form.get("stream") === "true" };
    } catch {
      throw errors.badRequest("Request body is not valid multipart/form-data.");
    }
  }
  if (!startsLikeObject(body)) return { stream: false };
  let parsed: unknown;
  try {
    parsed = parseJson(body);
  } catch {
    return { stream: false }; // not JSON after all: an opaque body whose model nobody can read
  }
  return factsOfJson(parsed);
}

function parseJson(body: ArrayBuffer): unknown {
  try {
    return JSON.parse(decoder.decode(body));
  } catch (error) {
    throw errors.invalidJson(error instanceof Error ? error.message : String(error));
  }
}

function factsOfJson(parsed: unknown): RequestFacts {
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw errors.badRequest("Request body must be a JSON object.");
  }
  const { model, stream } = parsed as { model?: unknown; stream?: unknown };
  if (model !== undefined && typeof model !== "string") throw errors.badRequest("`model` must be a string.", "model");
  return { model, stream: stream === true, json: parsed as Record<string, unknown> };
}

/** Whether the first byte after whitespace (and a UTF-8 BOM) is `{`: cheap before parsing. */
function startsLikeObject(body: ArrayBuffer): boolean {
  const bytes = new Uint8Array(body);
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  return bytes[i] === 0x7b;
}
