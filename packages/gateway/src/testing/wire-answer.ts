/**
 * The answer side of the adversarial upstream: writes a `WireAnswer` in exactly the framing,
 * encoding, pieces, delays and resets it asks for.
 */
import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import type { WireAnswer, WireEncoding, WireRequest } from "./wire-types.js";

/**
 * Pause between the last bytes before a reset and the RST itself. On Linux an RST that arrives
 * before the peer read the earlier bytes can make them vanish, or make the reset read as a clean
 * EOF; this pause lets the peer read first, so "headers, then RST" really looks like that.
 */
const RESET_LINGER_MS = 25;

/**
 * Lingers before an RST: the timer, then one more macrotask. The extra turn matters for a client in
 * this process: after a blocked event loop the timer fires in the same turn, before the poll phase
 * in which the client would read the bytes; setImmediate runs after that poll phase.
 */
async function lingerThenReset(socket: Socket): Promise<false> {
  if (await pause(socket, RESET_LINGER_MS)) await pause(socket, 0);
  return resetSocket(socket);
}

/**
 * Writes one answer in the shape it asks for. Resolves true when the connection stays open for
 * the next request.
 */
export async function writeAnswer(
  socket: Socket,
  request: WireRequest | undefined,
  answer: WireAnswer,
): Promise<boolean> {
  if (answer.reset === "before-headers") return resetSocket(socket);
  if (answer.headerDelayMs && !(await pause(socket, answer.headerDelayMs))) return false;

  const status = answer.status ?? 200;
  const framing = answer.framing ?? "length";
  const closing = framing === "close" || answer.closeAfter === true || request === undefined;
  const encoding = chosenEncoding(answer, request?.headers["accept-encoding"]);
  const bodyless = request?.method === "HEAD" || status === 204 || status === 304;
  let body: Buffer = typeof answer.body === "string" ? Buffer.from(answer.body) : Buffer.from(answer.body ?? []);
  if (encoding) body = encode(body, encoding);

  const headers: Record<string, string> = { date: new Date().toUTCString(), "content-type": "application/json" };
  if (encoding) headers["content-encoding"] = encoding;
  if (framing === "length") headers["content-length"] = String(body.length);
  if (framing === "chunked") headers["transfer-encoding"] = "chunked";
  if (closing) headers.connection = "close";
  for (const [name, value] of Object.entries(answer.headers ?? {})) headers[name.toLowerCase()] = value;
  const reason = STATUS_CODES[status] ?? "Unknown";
  const head = Buffer.from(
    `HTTP/1.1 ${status} ${reason}\r\n${Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join("")}\r\n`,
    "latin1",
  );
  if (bodyless) body = Buffer.alloc(0);

  const resetAt =
    answer.reset === "after-headers" ? 0 : typeof answer.reset === "object" ? answer.reset.afterBytes : -1;
  const pieces = splitBody(body, answer, resetAt);
  const frame = (piece: Buffer) =>
    framing === "chunked" && piece.length > 0
      ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from("\r\n")])
      : piece;

  if (resetAt === 0) {
    await send(socket, head);
    return lingerThenReset(socket);
  }
  let sent = 0;
  for (const [index, piece] of pieces.entries()) {
    sent += piece.length;
    const resetting = resetAt > 0 && sent >= Math.min(resetAt, body.length);
    // Headers leave with the first piece, as most servers flush them together.
    let data = index === 0 ? Buffer.concat([head, frame(piece)]) : frame(piece);
    if (index === pieces.length - 1 && framing === "chunked" && !bodyless && !resetting) {
      data = Buffer.concat([data, Buffer.from("0\r\n\r\n")]);
    }
    if (index > 0 && !(await pause(socket, answer.chunkDelayMs ?? 0))) return false;
    if (!(await send(socket, data))) return false;
    if (resetting) return lingerThenReset(socket);
  }
  if (!closing) return true;
  socket.end();
  // Whatever the peer still sends (a pipelined or raced request) meets a closed socket.
  socket.once("data", () => socket.destroy());
  return false;
}

function chosenEncoding(answer: WireAnswer, acceptEncoding: string | undefined): WireEncoding | undefined {
  if (!answer.encoding || !answer.onlyIfAccepted) return answer.encoding;
  const accepted = (acceptEncoding ?? "").split(",").map((entry) => entry.trim().split(";"));
  const listed = accepted.find(([name]) => name?.trim().toLowerCase() === answer.encoding);
  // `gzip;q=0` means "not gzip".
  return listed && !/^\s*q=0(\.0*)?\s*$/.test(listed[1] ?? "") ? answer.encoding : undefined;
}

function encode(body: Buffer, encoding: WireEncoding): Buffer {
  if (encoding === "gzip") return gzipSync(body);
  if (encoding === "br") return brotliCompressSync(body);
  return deflateSync(body);
}

/** Cuts the body at `chunkSize` steps, `splitAt` offsets and the reset point. */
function splitBody(body: Buffer, answer: WireAnswer, resetAt: number): Buffer[] {
  const cuts = new Set<number>(answer.splitAt ?? []);
  if (answer.chunkSize && answer.chunkSize > 0) {
    for (let at = answer.chunkSize; at < body.length; at += answer.chunkSize) cuts.add(at);
  }
  if (resetAt > 0) cuts.add(resetAt);
  const offsets = [...cuts].filter((at) => at > 0 && at < body.length).sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let start = 0;
  for (const at of offsets) {
    pieces.push(body.subarray(start, at));
    start = at;
  }
  pieces.push(body.subarray(start));
  return pieces;
}

/** Writes and waits until the bytes are handed to the kernel; false if the socket is gone. */
function send(socket: Socket, data: Buffer): Promise<boolean> {
  if (socket.destroyed || socket.writableEnded) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onClose = () => resolve(false);
    socket.once("close", onClose);
    socket.write(data, (error) => {
      socket.off("close", onClose);
      resolve(!error);
    });
  });
}

/**
 * Waits `ms` (0: one macrotask, so consecutive writes leave as separate segments); resolves false
 * early if the socket closes, so a stalled answer never outlives its connection. A peer FIN during
 * a timed wait counts as the client leaving (as nginx treats it) and closes the socket: a client
 * that gave up on a slow answer must not keep the connection open until the timer fires.
 */
export function pause(socket: Socket, ms: number): Promise<boolean> {
  if (socket.destroyed) return Promise.resolve(false);
  if (ms > 0 && socket.readableEnded) {
    socket.destroy();
    return Promise.resolve(false);
  }
  return new Promise((resolve) => {
    const cleanUp = () => {
      socket.off("close", onClose);
      socket.off("end", onEnd);
    };
    const done = () => {
      cleanUp();
      resolve(!socket.destroyed);
    };
    // setImmediate, not a 1 ms timer: a 1-byte-per-write answer of a few KiB stays fast.
    const timer = ms > 0 ? setTimeout(done, ms) : setImmediate(done);
    const onClose = () => {
      cleanUp();
      if (ms > 0) clearTimeout(timer as NodeJS.Timeout);
      else clearImmediate(timer as NodeJS.Immediate);
      resolve(false);
    };
    const onEnd = () => socket.destroy();
    socket.once("close", onClose);
    if (ms > 0) socket.once("end", onEnd);
  });
}

/** Kills the connection with an RST where the runtime can (Node ≥ 16.17), else plainly. */
export function resetSocket(socket: Socket): false {
  try {
    if (typeof socket.resetAndDestroy === "function") socket.resetAndDestroy();
    else socket.destroy();
  } catch {
    socket.destroy();
  }
  return false;
}
