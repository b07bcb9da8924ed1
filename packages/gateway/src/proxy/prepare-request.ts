import type { ProviderRequest } from "../spec/provider.js";
import type { ProxyTarget } from "./proxy-types.js";
import type { RequestFacts } from "./read-body.js";

export interface PrepareRequestInput {
  target: ProxyTarget;
  method: string;
  /** The client's headers and query, its credentials already removed (see client-credentials.ts). */
  headers: Headers;
  search: string;
  body: ArrayBuffer | null;
  facts: RequestFacts;
  /** The model after provider resolution (a `<provider>:` prefix removed). */
  model: string | undefined;
  /** The model as the client wrote it. */
  requestedModel: string | undefined;
  stream: boolean;
  injectStreamUsage: boolean;
}

/**
 * Builds the provider-neutral request. The body passes through untouched unless the model lost
 * its provider prefix, or the gateway asks an OpenAI-style stream for its usage chunk to count
 * tokens (`addUsage`: the pipeline then hides that chunk from the client).
 */
export function prepareRequest(input: PrepareRequestInput): { request: ProviderRequest; addUsage: boolean } {
  const { facts, target } = input;
  const changes: Record<string, unknown> = {};
  if (input.model !== input.requestedModel) changes.model = input.model;
  const streamOptions = facts.json?.stream_options as { include_usage?: unknown } | undefined;
  const addUsage =
    input.injectStreamUsage &&
    input.stream &&
    target.api === "openai" &&
    (target.path === "/chat/completions" || target.path === "/completions") &&
    facts.json !== undefined &&
    streamOptions?.include_usage !== true;
  let body = input.body;
  if (addUsage && streamOptions === undefined && changes.model === undefined && body) {
    // The common case, without re-serialising the client's JSON: splice the field in up front.
    body = withLeadingField(body, '"stream_options":{"include_usage":true}');
  } else {
    if (addUsage) changes.stream_options = { ...streamOptions, include_usage: true };
    if (facts.json && Object.keys(changes).length > 0) body = encodeJson({ ...facts.json, ...changes });
  }
  return {
    addUsage,
    request: {
      api: target.api,
      method: input.method,
      path: target.path,
      search: input.search,
      headers: input.headers,
      body,
      model: input.model,
      stream: input.stream,
    },
  };
}

const encoder = new TextEncoder();

function encodeJson(value: unknown): ArrayBuffer {
  return encoder.encode(JSON.stringify(value)).buffer as ArrayBuffer;
}

/** Inserts `"name":value,` right after the opening brace of a JSON object's bytes. */
function withLeadingField(body: ArrayBuffer, field: string): ArrayBuffer {
  const bytes = new Uint8Array(body);
  let open = 0;
  while (open < bytes.length && bytes[open] !== 0x7b) open++; // "{" (after any whitespace or BOM)
  let next = open + 1;
  while (
    next < bytes.length &&
    (bytes[next] === 0x20 || bytes[next] === 0x0a || bytes[next] === 0x0d || bytes[next] === 0x09)
  )
    next++;
  const empty = bytes[next] === 0x7d; // "{}"
  const insert = encoder.encode(empty ? field : `${field},`);
  const out = new Uint8Array(bytes.length + insert.length);
  out.set(bytes.subarray(0, open + 1), 0);
  out.set(insert, open + 1);
  out.set(bytes.subarray(open + 1), open + 1 + insert.length);
  return out.buffer;
}
