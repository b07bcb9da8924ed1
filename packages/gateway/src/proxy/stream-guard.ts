import { type ChunkSource, chunkSourceOf } from "../runtime/chunk-source.js";
import type { UsageEventFilter } from "./usage-event-filter.js";

/**
 * Passes an upstream body to the client chunk by chunk — never buffering it — and turns a
 * stream that breaks mid-answer into an explicit OpenAI-style error event instead of a
 * clean-looking truncation. Cancelling (client gone) cancels the upstream read.
 */

export interface StreamGuardOptions {
  /** Whether the body is SSE: only then can an error event be appended. */
  sse: boolean;
  /** Called once when the body ends, with how it ended and its last bytes (for usage sniffing). */
  onEnd?: (outcome: { ok: boolean; error?: unknown; tail: Uint8Array[] }) => void;
  /** Called when the client goes away. */
  onCancel?: () => void;
  /** Drops the usage-only event the gateway asked for on the client's behalf. */
  usageFilter?: UsageEventFilter;
  /** A first chunk already read (the pipeline reads one before answering, to fail over on an empty stream). */
  first?: Uint8Array;
}

const encoder = new TextEncoder();
const TAIL_CHUNKS = 3;

/** `body` is a web stream, or a chunk source a runtime's fetch attached (see chunk-source.ts). */
export function guardStream(
  body: ReadableStream<Uint8Array> | ChunkSource,
  options: StreamGuardOptions,
): ReadableStream<Uint8Array> {
  const reader = body instanceof ReadableStream ? chunkSourceOf(body) : body;
  const tail: Uint8Array[] = [];
  let ended = false;
  const end = (ok: boolean, error?: unknown) => {
    if (ended) return;
    ended = true;
    options.onEnd?.({ ok, error, tail });
  };
  const accept = (controller: ReadableStreamDefaultController<Uint8Array>, value: Uint8Array): boolean => {
    if (options.onEnd) {
      tail.push(value);
      if (tail.length > TAIL_CHUNKS) tail.shift();
    }
    const out = options.usageFilter ? options.usageFilter.push(value) : value;
    if (out) controller.enqueue(out);
    return out !== undefined;
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
            const rest = options.usageFilter?.end();
            if (rest) controller.enqueue(rest);
            end(true);
            controller.close();
            return;
          }
          // Keep reading while a filter holds everything back: pull must make progress.
          if (accept(controller, value)) return;
        }
      } catch (error) {
        end(false, error);
        if (options.sse) {
          const message = `Upstream stream interrupted: ${error instanceof Error ? error.message : String(error)}`;
          const event = { error: { message, type: "upstream_error", code: "stream_interrupted", param: null } };
          controller.enqueue(encoder.encode(`data: ${JSON.stringify(event)}\n\n`));
          controller.close();
        } else {
          controller.error(error);
        }
      }
    },
    cancel(reason) {
      end(false, reason);
      options.onCancel?.();
      return reader.cancel(reason);
    },
  });
}
