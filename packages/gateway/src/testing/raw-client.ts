/**
 * A raw HTTP/1.1 client for tests of the adversarial upstream (and of anything else on a socket):
 * it sees the bytes exactly as the server framed them (chunk sizes, FIN, RST), which no fetch
 * shows.
 */
import { connect, type Socket } from "node:net";
import type { AdversarialUpstream } from "./adversarial-upstream.js";
import type { WireAnswer } from "./wire-types.js";

/** One answer as the raw client read it. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  /** Body bytes as framed on the wire (chunk sizes included). */
  rawBody: Buffer;
  /** Body with chunked framing removed. */
  body: Buffer;
  /** Chunk sizes, for chunked framing. */
  chunks: number[];
  /** The framing says the body is complete (close framing: the server closed cleanly). */
  complete: boolean;
}

/** What one exchange on a raw socket produced. */
export interface RawResult {
  response: RawResponse | undefined;
  /** `data` events the client saw for this exchange. */
  reads: number;
  /** The server ended the connection (FIN). */
  ended: boolean;
  /** Socket error code (ECONNRESET for an RST). */
  error?: string;
}

/** Parses the bytes of one answer so far; `eof`: the server closed cleanly after them. */
export function parseRawResponse(bytes: Buffer, eof: boolean): RawResponse | undefined {
  const headEnd = bytes.indexOf("\r\n\r\n");
  if (headEnd < 0) return undefined;
  const [statusLine = "", ...lines] = bytes.subarray(0, headEnd).toString("latin1").split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rawBody = bytes.subarray(headEnd + 4);
  const base = { status: Number(statusLine.split(" ")[1]), headers, rawBody, chunks: [] as number[] };
  if (headers["transfer-encoding"] === "chunked") {
    const parts: Buffer[] = [];
    let at = 0;
    for (;;) {
      const lineEnd = rawBody.indexOf("\r\n", at);
      if (lineEnd < 0) return { ...base, body: Buffer.concat(parts), complete: false };
      const size = Number.parseInt(rawBody.subarray(at, lineEnd).toString("latin1"), 16);
      if (size === 0) return { ...base, body: Buffer.concat(parts), complete: rawBody.length >= lineEnd + 4 };
      const end = lineEnd + 2 + size;
      parts.push(rawBody.subarray(lineEnd + 2, Math.min(end, rawBody.length)));
      if (rawBody.length < end + 2) return { ...base, body: Buffer.concat(parts), complete: false };
      base.chunks.push(size);
      at = end + 2;
    }
  }
  if (headers["content-length"] !== undefined) {
    const length = Number(headers["content-length"]);
    return { ...base, body: rawBody.subarray(0, length), complete: rawBody.length >= length };
  }
  return { ...base, body: rawBody, complete: eof };
}

/** Opens a TCP connection to `server` (an `http://127.0.0.1:<port>` URL holder). */
export async function openRawSocket(server: { url: string }, allowHalfOpen = false): Promise<Socket> {
  const socket = connect({ port: Number(new URL(server.url).port), host: "127.0.0.1", allowHalfOpen });
  socket.on("error", () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  return socket;
}

/** Sends `text` on `socket` and collects one answer: until its framing completes, or the socket ends. */
export function rawExchange(socket: Socket, text: string, options: { halfClose?: boolean } = {}): Promise<RawResult> {
  return new Promise((resolve) => {
    let bytes = Buffer.alloc(0);
    const result: RawResult = { response: undefined, reads: 0, ended: false };
    const finish = () => {
      socket.off("data", onData);
      socket.off("end", onEnd);
      socket.off("error", onError);
      socket.off("close", onEnd);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      result.reads++;
      bytes = Buffer.concat([bytes, chunk]);
      result.response = parseRawResponse(bytes, false);
      if (result.response?.complete && result.response.headers.connection !== "close") finish();
    };
    const onEnd = () => {
      result.ended = true;
      result.response = parseRawResponse(bytes, result.error === undefined);
      finish();
    };
    const onError = (error: NodeJS.ErrnoException) => {
      result.error = error.code;
    };
    socket.on("data", onData);
    socket.on("end", onEnd);
    socket.on("close", onEnd);
    socket.on("error", onError);
    if (options.halfClose) socket.end(text);
    else socket.write(text);
  });
}

/** The text of a `GET` request; `headers` are whole lines, each ending in `\r\n`. */
export const rawGetRequest = (path = "/", headers = "") => `GET ${path} HTTP/1.1\r\nhost: upstream\r\n${headers}\r\n`;

/** Routes every request of `upstream` to `answer`, then reads one `GET /` on a fresh socket. */
export async function rawGet(upstream: AdversarialUpstream, answer: WireAnswer, headers = ""): Promise<RawResult> {
  upstream.setRoute(() => answer);
  const socket = await openRawSocket(upstream);
  try {
    return await rawExchange(socket, rawGetRequest("/", headers));
  } finally {
    socket.destroy();
  }
}

/** Polls `check` every 5 ms for up to `ms`; resolves its last answer. */
export const waitFor = async (check: () => boolean, ms = 2000) => {
  const start = Date.now();
  while (!check() && Date.now() - start < ms) await new Promise((resolve) => setTimeout(resolve, 5));
  return check();
};
