import type { Readable } from "node:stream";
import { Agent, type Dispatcher, request } from "undici";
import { BUFFERED_BODY } from "./buffered-body.js";
import { type ChunkSource, NATIVE_CHUNKS, webStreamOf } from "./chunk-source.js";
import { decodeBody, decodeBytes, isDecodable } from "./node-decode.js";

const SMALL_BODY_BYTES = 64 * 1024;

/**
 * Errors of a request that never got response headers because the socket died under it —
 * typically a keep-alive socket the server closed while idle just as it was reused. The
 * upstream saw no complete request, so one re-send on a fresh socket is safe and invisible.
 */
const STALE_SOCKET_CODES = new Set(["UND_ERR_SOCKET", "ECONNRESET", "EPIPE", "UND_ERR_CLOSED"]);

export interface NodeFetchOptions {
  /** Keep-alive connections per upstream origin. @default 128 */
  connections?: number;
  /** Socket idle timeout in ms. @default 30000 */
  keepAliveTimeout?: number;
  /** Headers timeout (time to first response byte) in ms. @default 300000 */
  headersTimeout?: number;
  /** A dispatcher to use instead of a fresh `Agent` (tests, proxies). */
  dispatcher?: Dispatcher;
}

type UndiciResult = Dispatcher.ResponseData;

/**
 * A `fetch`-compatible function over undici's `request()` with a pooled keep-alive `Agent`.
 * Only what the gateway uses is supported: string URLs, method, headers, an ArrayBuffer or
 * string body, and an abort signal. Like WHATWG fetch it decodes `gzip`, `deflate` and `br`
 * bodies (and drops `content-encoding` and `content-length`, which no longer describe them);
 * any other encoding fails the request rather than pass on bytes nobody can read. The body is
 * exposed as a web stream read straight from undici's body, chunk by chunk (no
 * `Readable.toWeb`, which can crash under load on Node 20). Cancelling a body, read or not,
 * never throws and never leaves an unhandled `error` event behind.
 */
export function createNodeFetch(options: NodeFetchOptions = {}): typeof fetch {
  const dispatcher =
    options.dispatcher ??
    new Agent({
      connections: options.connections ?? 128,
      keepAliveTimeout: options.keepAliveTimeout ?? 30_000,
      headersTimeout: options.headersTimeout ?? 300_000,
      bodyTimeout: 0, // streams may pause for long; the client decides when to give up
    });

  const send = async (url: string | URL, init: RequestInit, headers: Record<string, string>) => {
    const body = init.body;
    const requestOptions = {
      method: (init.method ?? "GET") as Dispatcher.HttpMethod,
      headers,
      body: body == null ? undefined : body instanceof ArrayBuffer ? Buffer.from(body) : (body as string | Uint8Array),
      signal: init.signal ?? undefined,
      dispatcher,
    };
    try {
      return await request(url, requestOptions);
    } catch (error) {
      if (init.signal?.aborted || !STALE_SOCKET_CODES.has((error as { code?: string }).code ?? "")) throw error;
      return await request(url, requestOptions);
    }
  };

  const nodeFetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    if (input instanceof Request) return fetch(input, init); // not used by the gateway; keep it correct
    const headers: Record<string, string> = {};
    const given = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
    for (const [name, value] of given) headers[name] = value;
    const result = await send(input, init, headers);
    // undici emits `error` when a body is destroyed or aborted before its end (a cancel, a client
    // gone, a reset). Whoever reads the body sees the error through its read; nobody may be
    // reading, and an `error` event without a listener ends the process.
    result.body.on("error", ignore);
    try {
      return await toResponse(result, init.method);
    } catch (error) {
      result.body.destroy();
      throw error;
    }
  };
  return nodeFetch as typeof fetch;
}

async function toResponse(result: UndiciResult, method: string | undefined): Promise<Response> {
  const responseHeaders = new Headers();
  for (const [name, value] of Object.entries(result.headers)) {
    if (Array.isArray(value)) for (const v of value) responseHeaders.append(name, v);
    else if (value !== undefined) responseHeaders.set(name, value);
  }
  const status = result.statusCode;
  if (status === 204 || status === 304 || method === "HEAD") {
    result.body.resume();
    return new Response(null, { status, headers: responseHeaders });
  }
  const encoding = responseHeaders.get("content-encoding")?.trim().toLowerCase();
  const encoded = encoding !== undefined && encoding !== "" && encoding !== "identity";
  if (encoded && !isDecodable(encoding)) {
    throw new TypeError(`Upstream answered with unsupported content-encoding '${encoding}'.`);
  }
  const length = Number(responseHeaders.get("content-length") ?? Number.NaN);
  if (encoded) {
    responseHeaders.delete("content-encoding");
    responseHeaders.delete("content-length");
  }
  if (length <= SMALL_BODY_BYTES && !responseHeaders.get("content-type")?.includes("text/event-stream")) {
    // Small complete bodies: undici reads them without any web stream in between, and the
    // bytes ride along so the gateway need not read them back through a web Response.
    const raw = new Uint8Array(await result.body.arrayBuffer());
    const bytes = encoded && raw.byteLength > 0 ? await decodeBytes(raw, encoding) : raw;
    const response = new Response(bytes as Uint8Array<ArrayBuffer>, { status, headers: responseHeaders });
    Object.defineProperty(response, BUFFERED_BODY, { value: bytes });
    return response;
  }
  return streamedResponse(encoded ? decodeBody(result.body, encoding) : result.body, status, responseHeaders);
}

function streamedResponse(source: Readable, status: number, responseHeaders: Headers): Response {
  const iterator = source[Symbol.asyncIterator]();
  const chunks: ChunkSource = {
    async next() {
      const { done, value } = await iterator.next();
      // A Buffer is a Uint8Array: hand it on as is.
      return done ? { done: true } : { done: false, value: value as Uint8Array };
    },
    async cancel(reason) {
      source.destroy(reason instanceof Error ? reason : undefined);
    },
  };
  // A plain web stream for callers that read `.body`; the gateway reads `chunks` directly.
  let stream: ReadableStream<Uint8Array> | undefined;
  const webBody = () => {
    stream ??= webStreamOf(chunks);
    return stream;
  };
  // The Response is built without a body and given lazy body accessors, so a caller that reads
  // `chunks` (the gateway) never pays for a web stream, and any other caller still gets one.
  const response = new Response(null, { status, headers: responseHeaders });
  const read = () => new Response(webBody(), { headers: responseHeaders });
  Object.defineProperties(response, {
    [NATIVE_CHUNKS]: { value: chunks },
    body: { get: webBody },
    arrayBuffer: { value: () => read().arrayBuffer() },
    text: { value: () => read().text() },
    json: { value: () => read().json() },
    bytes: { value: async () => new Uint8Array(await read().arrayBuffer()) },
  });
  return response;
}

function ignore(): void {}
