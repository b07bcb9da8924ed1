/**
 * The vocabulary of the adversarial upstream: a request as the raw server parsed it, an answer
 * described by its shape on the wire, and the route that maps one to the other. Its own module so
 * the server, its parser, its writer and every route builder can share it without importing each
 * other.
 */

/**
 * How the end of a body is signalled: `Content-Length`, `Transfer-Encoding: chunked`, or neither
 * (the body ends when the server closes the socket, as HTTP/1.1 allows for responses).
 */
export type WireFraming = "length" | "chunked" | "close";

/** A `content-encoding` the server can apply to a body (node:zlib). */
export type WireEncoding = "gzip" | "br" | "deflate";

/** One answer, described by its shape on the wire. */
export interface WireAnswer {
  /** @default 200 */
  status?: number;
  /**
   * Extra headers. They replace the computed ones of the same name (so a test can lie about
   * `content-length`); `content-type` defaults to `application/json` unless given here.
   */
  headers?: Record<string, string>;
  /** Payload before encoding. @default empty */
  body?: string | Uint8Array;
  /** @default "length" */
  framing?: WireFraming;
  /** Compress the body and send `content-encoding`. */
  encoding?: WireEncoding;
  /** Compress only when the request's `accept-encoding` lists `encoding`. @default false */
  onlyIfAccepted?: boolean;
  /**
   * Write the (encoded) body in pieces of this many bytes, each its own socket write after a
   * macrotask, so they arrive as separate TCP segments. With chunked framing each piece is a chunk.
   */
  chunkSize?: number;
  /** Explicit byte offsets of the (encoded) body to split at, instead of or besides `chunkSize`. */
  splitAt?: number[];
  /** Wait this long before the status line (headers slower than a client's deadline). */
  headerDelayMs?: number;
  /** Wait this long between pieces (a trickling body). @default 0 (one macrotask) */
  chunkDelayMs?: number;
  /**
   * Kill the connection with a TCP RST at that point; `afterBytes` counts (encoded) body bytes
   * sent, not framing. Bytes written before the reset are given time to be read first.
   */
  reset?: "before-headers" | "after-headers" | { afterBytes: number };
  /** Close the connection after answering (otherwise it stays open for the next request). */
  closeAfter?: boolean;
}

/** A request as the server received it. */
export interface WireRequest {
  method: string;
  /** Path and query, as sent on the request line. */
  path: string;
  /** Lower-cased names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /** Body after removing any chunked request framing. */
  body: Buffer;
  /**
   * From `Authorization: Bearer`, `x-api-key`, any other `*-api-key` / `api-key` header (the
   * vendor-specific ones) or `?key=`, in that order.
   */
  key?: string;
  /** The body parsed, when it is JSON. */
  json?: unknown;
  /** 0 for the first request on its connection, 1 for the second, ... */
  socketRequestIndex: number;
}

/** Chooses the answer to one request. */
export type WireRoute = (request: WireRequest) => WireAnswer | Promise<WireAnswer>;
