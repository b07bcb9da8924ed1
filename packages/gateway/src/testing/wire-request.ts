/**
 * The request side of the adversarial upstream: a small HTTP/1.1 parser over a raw socket that
 * reads heads, `Content-Length` and chunked bodies, one request after another.
 */
import type { Socket } from "node:net";
import type { WireRequest } from "./wire-types.js";

/** Longest request head accepted; beyond it the answer is 431. */
const MAX_HEAD_BYTES = 64 * 1024;

/** Buffers a socket's bytes for a parser that asks for lines and byte counts. */
export class ConnectionReader {
  private buffer: Buffer = Buffer.alloc(0);
  private wake: (() => void) | undefined;
  /** The peer sent FIN (or the socket closed): no more bytes will come. */
  ended = false;

  constructor(socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      this.notify();
    });
    const end = () => {
      this.ended = true;
      this.notify();
    };
    socket.on("end", end);
    socket.on("close", end);
  }

  /** Resolves true once any byte is buffered, false if none ever will be. */
  async waitForData(): Promise<boolean> {
    while (this.buffer.length === 0) if (!(await this.more())) return false;
    return true;
  }

  /** The bytes before `delimiter` (consumed with it), or undefined if the peer stopped first. */
  async until(delimiter: string, limit: number): Promise<Buffer | undefined | "too-long"> {
    for (;;) {
      const at = this.buffer.indexOf(delimiter);
      if (at >= 0) return this.take(at, delimiter.length);
      if (this.buffer.length > limit) return "too-long";
      if (!(await this.more())) return undefined;
    }
  }

  /** Exactly `count` bytes, or undefined if the peer stopped first. */
  async bytes(count: number): Promise<Buffer | undefined> {
    while (this.buffer.length < count) if (!(await this.more())) return undefined;
    return this.take(count, 0);
  }

  private take(count: number, skip: number): Buffer {
    const taken = this.buffer.subarray(0, count);
    this.buffer = this.buffer.subarray(count + skip);
    return taken;
  }

  private more(): Promise<boolean> {
    if (this.ended) return Promise.resolve(false);
    return new Promise((resolve) => {
      this.wake = () => resolve(true);
    });
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/** Parses one request; a number is the error status to answer with, undefined a vanished peer. */
export async function readRequest(
  reader: ConnectionReader,
  index: number,
  socket: Socket,
): Promise<WireRequest | number | undefined> {
  let head: Buffer | undefined | "too-long";
  // Empty lines before a request line are to be ignored (RFC 9112 §2.2).
  do head = await reader.until("\r\n\r\n", MAX_HEAD_BYTES);
  while (head instanceof Buffer && head.toString("latin1").replace(/^(\r\n)+/, "") === "");
  if (head === "too-long") return 431;
  if (head === undefined) return undefined;
  const [requestLine = "", ...lines] = head
    .toString("latin1")
    .replace(/^(\r\n)+/, "")
    .split("\r\n");
  const match = /^([A-Z]+) (\S+) HTTP\/1\.[01]$/.exec(requestLine);
  if (!match) return 400;
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon <= 0) return 400;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  if (headers.expect?.toLowerCase() === "100-continue") socket.write("HTTP/1.1 100 Continue\r\n\r\n");
  const body = /\bchunked\b/i.test(headers["transfer-encoding"] ?? "")
    ? await readChunkedBody(reader)
    : await readLengthBody(reader, headers["content-length"]);
  if (body === undefined || typeof body === "number") return body;
  const path = match[2] as string;
  return {
    method: match[1] as string,
    path,
    headers,
    body,
    key: requestKey(headers, path),
    json: parseJson(body),
    socketRequestIndex: index,
  };
}

async function readLengthBody(reader: ConnectionReader, contentLength: string | undefined) {
  if (contentLength === undefined) return Buffer.alloc(0);
  if (!/^\d+$/.test(contentLength)) return 400;
  return reader.bytes(Number(contentLength));
}

async function readChunkedBody(reader: ConnectionReader): Promise<Buffer | number | undefined> {
  const parts: Buffer[] = [];
  for (;;) {
    const line = await reader.until("\r\n", 1024);
    if (line === undefined || line === "too-long") return line && 400;
    const size = Number.parseInt(line.toString("latin1").split(";")[0] ?? "", 16);
    if (!Number.isFinite(size) || size < 0) return 400;
    if (size === 0) break;
    const data = await reader.bytes(size + 2);
    if (data === undefined) return undefined;
    parts.push(data.subarray(0, size));
  }
  // Trailer fields, if any, end with an empty line.
  for (;;) {
    const trailer = await reader.until("\r\n", MAX_HEAD_BYTES);
    if (trailer === undefined || trailer === "too-long") return trailer && 400;
    if (trailer.length === 0) return Buffer.concat(parts);
  }
}

function requestKey(headers: Record<string, string>, path: string): string | undefined {
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? "")?.[1];
  // Vendors name their own key header (`x-<vendor>-api-key`, Azure's `api-key`); any of them counts.
  const vendorHeader = Object.keys(headers).find((name) => name !== "x-api-key" && /(^|-)api-key$/.test(name));
  const query = new URL(path, "http://upstream.invalid").searchParams.get("key");
  return bearer ?? headers["x-api-key"] ?? (vendorHeader && headers[vendorHeader]) ?? query ?? undefined;
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
}
