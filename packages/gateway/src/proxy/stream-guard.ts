import { type ChunkSource, chunkSourceOf } from "../runtime/chunk-source.js";
import type { Provider } from "../spec/provider.js";
import { SseBoundary } from "./sse-boundary.js";
import type { UsageEventFilter } from "./usage-event-filter.js";

/**
 * Passes an upstream body to the client chunk by chunk — never buffering it — and turns a
 * stream that breaks mid-answer into an explicit error event in the client's API shape instead
 * of a clean-looking truncation. SSE is forwarded event-aligned (see sse-boundary.ts), so the
 * client never holds half an event. Cancelling (client gone) cancels the upstream read.
 */

export interface StreamGuardOptions {
  /** Whether the body is SSE: only then can an error event be appended. */
  sse: boolean;
  /** Called once when the body ends: how it ended, its last bytes (for usage sniffing), the bytes sent so far. */
  onEnd?: (outcome: { ok: boolean; error?: unknown; tail: Uint8Array[]; bytes: number; head?: Uint8Array }) => void;
  /** Keep a copy of the first this many bytes sent (the request log's body sample). */
  captureHead?: number;
  /** Called when the client goes away. */
  onCancel?: () => void;
  /** Drops the usage-only event the gateway asked for on the client's behalf. */
  usageFilter?: UsageEventFilter;
  /** A first chunk already read (the pipeline reads one before answering, to fail over on an empty stream). */
  first?: Uint8Array;
  /** The stream is complete only once `data: [DONE]` was seen (OpenAI chat and text completions). */
  expectDone?: boolean;
  /** The SSE event that tells the client the stream broke, in its own API's shape. @default OpenAI's error shape */
  errorEvent?: (message: string) => string | Promise<string>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const LAST_BYTES = 32;

/** The last bytes of a stream, however small its chunks: enough to see its final `[DONE]`. */
class LastBytes {
  private bytes: Uint8Array = new Uint8Array(0);
  push(chunk: Uint8Array): void {
    if (chunk.byteLength >= LAST_BYTES) {
      this.bytes = chunk.subarray(chunk.byteLength - LAST_BYTES); // a view, no copy
      return;
    }
    const joined = new Uint8Array(this.bytes.byteLength + chunk.byteLength);
    joined.set(this.bytes, 0);
    joined.set(chunk, this.bytes.byteLength);
    this.bytes = joined.subarray(Math.max(0, joined.byteLength - LAST_BYTES));
  }
  endsWithDone(): boolean {
    return /data: ?\[DONE\]\s*$/.test(decoder.decode(this.bytes));
  }
}
const TAIL_CHUNKS = 3;

function openAIStreamError(message: string): string {
  const event = { error: { message, type: "upstream_error", code: "stream_interrupted", param: null } };
  return `data: ${JSON.stringify(event)}\n\n`;
}

/** The error event of a provider's native stream, from its native error shape (Gemini: Google's). */
export function nativeStreamError(provider: Provider): ((message: string) => Promise<string>) | undefined {
  const format = provider.formatNativeError;
  if (!format) return undefined;
  return async (message) => {
    const body = await format({ status: 502, message, code: "stream_interrupted" }).text();
    return `data: ${body.replace(/\s*\n\s*/g, " ")}\n\n`;
  };
}

/** The event that tells the client the stream broke, in its API's shape (OpenAI's if that fails). */
async function errorEventFor(options: StreamGuardOptions, error: unknown): Promise<string> {
  const message = `Upstream stream interrupted: ${error instanceof Error ? error.message : String(error)}`;
  try {
    return await (options.errorEvent ?? openAIStreamError)(message);
  } catch {
    return openAIStreamError(message);
  }
}

/** `body` is a web stream, or a chunk source a runtime's fetch attached (see chunk-source.ts). */
export function guardStream(
  body: ReadableStream<Uint8Array> | ChunkSource,
  options: StreamGuardOptions,
): ReadableStream<Uint8Array> {
  const reader = body instanceof ReadableStream ? chunkSourceOf(body) : body;
  const boundary = options.sse ? new SseBoundary() : undefined;
  const tail: Uint8Array[] = [];
  const last = options.sse && options.expectDone ? new LastBytes() : undefined;
  let ended = false;
  // Counted as they are queued, never buffered: the request log's `bytes`.
  let sent = 0;
  const head = options.captureHead ? new Uint8Array(options.captureHead) : undefined;
  const end = (ok: boolean, error?: unknown) => {
    if (ended) return;
    ended = true;
    options.onEnd?.({ ok, error, tail, bytes: sent, head: head?.subarray(0, Math.min(sent, head.byteLength)) });
  };
  const enqueue = (controller: ReadableStreamDefaultController<Uint8Array>, out: Uint8Array) => {
    // A bounded copy of the beginning, only when sampling: never the whole body.
    if (head && sent < head.byteLength) head.set(out.subarray(0, head.byteLength - sent), sent);
    sent += out.byteLength;
    controller.enqueue(out);
  };
  const emit = (controller: ReadableStreamDefaultController<Uint8Array>, bytes: Uint8Array | undefined): boolean => {
    if (!bytes) return false;
    const out = options.usageFilter ? options.usageFilter.push(bytes) : bytes;
    if (out) enqueue(controller, out);
    return out !== undefined;
  };
  const accept = (controller: ReadableStreamDefaultController<Uint8Array>, value: Uint8Array): boolean => {
    last?.push(value);
    if (options.onEnd) {
      tail.push(value);
      if (tail.length > TAIL_CHUNKS) tail.shift();
    }
    return emit(controller, boundary ? boundary.push(value) : value);
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      // Queued before anyone reads: a runtime that peeks (Node) sends headers and data together.
      if (options.first) accept(controller, options.first);
    },
    async pull(controller) {
      try {
        for (;;) {
          const { done, value } = await reader.next();
          if (done) {
            if (last && !last.endsWithDone()) {
              throw new Error("the upstream closed the stream before `data: [DONE]`");
            }
            emit(controller, boundary?.flush());
            const rest = options.usageFilter?.end();
            if (rest) enqueue(controller, rest);
            end(true);
            controller.close();
            return;
          }
          // Keep reading while nothing can go out yet (a held partial event, a filtered one):
          // pull must make progress.
          if (accept(controller, value)) return;
        }
      } catch (error) {
        end(false, error);
        if (!options.sse) {
          // No in-band way to say it in a non-SSE body: the client sees the connection fail.
          controller.error(error);
          return;
        }
        boundary?.discard();
        enqueue(controller, encoder.encode(await errorEventFor(options, error)));
        controller.close();
      }
    },
    cancel(reason) {
      end(false, reason);
      options.onCancel?.();
      return reader.cancel(reason);
    },
  });
}
