/**
 * A successful upstream status, up to the client's first byte. Everything that can still go
 * wrong before that byte — the body breaking, an empty 200, a cut JSON answer — is a failed
 * attempt that fails over; only an answer that got this far reaches the client.
 */
import { bufferedBodyOf } from "../runtime/buffered-body.js";
import { type ChunkSource, chunkSourceOf, responseChunks } from "../runtime/chunk-source.js";
import { errors } from "../spec/errors.js";
import { forwardableResponseHeaders } from "../util/headers.js";
import type { AttemptResult } from "./attempt-result.js";
import type { AttemptSignal } from "./attempt-signal.js";
import { isCompleteJson, isJsonType, readJsonAnswer } from "./json-answer.js";
import { decodeLeftover, decodeLeftoverBytes, leftoverEncoding } from "./leftover-encoding.js";

/** Non-stream answers up to this size are read whole. */
export const SMALL_BODY_BYTES = 1024 * 1024;

type Read<T> = { ok: true; value: T } | { ok: false; result: AttemptResult };

const emptySource: ChunkSource = { next: async () => ({ done: true }), cancel: async () => {} };

export async function readAnswer(final: Response, signal: AttemptSignal): Promise<AttemptResult> {
  const headers = forwardableResponseHeaders(final.headers);
  const sse = (final.headers.get("content-type") ?? "").includes("text/event-stream");
  const length = Number(final.headers.get("content-length") ?? Number.NaN);
  const buffered = bufferedBodyOf(final);
  if (buffered || (!sse && length <= SMALL_BODY_BYTES)) {
    // A small, complete answer (JSON): reading it whole is cheaper than piping two streams, and
    // a failure while reading is still before the client's first byte, so it fails over.
    const read = await readWhole(final, buffered);
    signal.settle();
    return read.ok ? wholeAnswer(final.status, headers, read.value) : read.result;
  }
  const chunks = responseChunks(final);
  if (!chunks) {
    signal.settle();
    return { kind: "success", answer: { kind: "bodiless", status: final.status, headers } };
  }
  const first = await readFirst(final, chunks instanceof ReadableStream ? chunkSourceOf(chunks) : chunks);
  if (!first.ok) {
    signal.settle();
    return first.result;
  }
  let { source, chunk } = first.value;
  if (chunk && !sse && isJsonType(final.headers.get("content-type"))) {
    const json = await readJsonPrefix(source, chunk);
    if (!json.ok) {
      signal.settle();
      return json.result;
    }
    if ("whole" in json.value) {
      signal.settle();
      return wholeJson(final.status, headers, json.value.whole);
    }
    chunk = json.value.prefix;
  }
  signal.firstByte();
  if (!chunk && final.status === 200) {
    signal.settle();
    return emptyAnswer();
  }
  if (!chunk) source = emptySource;
  return {
    kind: "success",
    answer: { kind: "stream", status: final.status, headers, sse, source, first: chunk, signal },
  };
}

function wholeAnswer(status: number, headers: Headers, bytes: Uint8Array): AttemptResult {
  // No LLM operation answers 200 with nothing: a broken upstream; another key may do better.
  if (bytes.byteLength === 0 && status === 200) return emptyAnswer();
  return { kind: "success", answer: { kind: "whole", status, headers, bytes } };
}

function wholeJson(status: number, headers: Headers, bytes: Uint8Array): AttemptResult {
  if (isCompleteJson(bytes)) return { kind: "success", answer: { kind: "whole", status, headers, bytes } };
  return broken("Upstream JSON answer ended before it was complete.");
}

function emptyAnswer(): AttemptResult {
  return broken("Upstream answered 200 with an empty body.");
}

/** An answer that arrived but is no answer: the upstream's fault, never the key's alone. */
function broken(message: string): AttemptResult {
  return { kind: "failure", failure: { kind: "upstream_error", message }, error: errors.upstream(message, 502) };
}

function thrown(what: string, error: unknown): { ok: false; result: AttemptResult } {
  const message = `${what}: ${error instanceof Error ? error.message : String(error)}`;
  return { ok: false, result: { kind: "network", message, resendable: false } };
}

async function readWhole(final: Response, buffered: Uint8Array | undefined): Promise<Read<Uint8Array>> {
  try {
    let bytes = buffered ?? new Uint8Array(await final.arrayBuffer());
    const leftover = leftoverEncoding(final.headers.get("content-encoding"), bytes);
    if (leftover) bytes = await decodeLeftoverBytes(bytes, leftover);
    return { ok: true, value: bytes };
  } catch (error) {
    return thrown("Upstream body failed", error);
  }
}

/**
 * The first chunk, read before answering: a stream that fails before its first byte fails over
 * like any other failed attempt, and the answer starts with data. A body still carrying its
 * compression is decoded from here on.
 */
async function readFirst(
  final: Response,
  source: ChunkSource,
): Promise<Read<{ source: ChunkSource; chunk: Uint8Array | undefined }>> {
  try {
    let first = await source.next();
    const leftover = first.done ? undefined : leftoverEncoding(final.headers.get("content-encoding"), first.value);
    if (leftover && !first.done) {
      source = decodeLeftover(source, first.value, leftover);
      first = await source.next();
    }
    return { ok: true, value: { source, chunk: first.done ? undefined : first.value } };
  } catch (error) {
    await source.cancel(error);
    return thrown("Upstream stream failed before its first byte", error);
  }
}

async function readJsonPrefix(
  source: ChunkSource,
  first: Uint8Array,
): Promise<Read<Awaited<ReturnType<typeof readJsonAnswer>>>> {
  try {
    return { ok: true, value: await readJsonAnswer(source, first, SMALL_BODY_BYTES) };
  } catch (error) {
    return thrown("Upstream body failed", error);
  }
}
