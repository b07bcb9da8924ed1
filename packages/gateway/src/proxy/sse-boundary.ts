/**
 * Holds back the unfinished end of an SSE stream, so what the client has received always ends
 * on an event boundary. When the upstream breaks mid-event, the gateway can then append its own
 * error event and the client parses every event it got — instead of half a JSON object glued to
 * the error. At most one partial event is held; complete events pass at once.
 */
import { concatBytes } from "../util/bytes.js";

const LF = 10;
const CR = 13;

/** End offset of the last complete event (after its blank line) in `bytes`, or 0. */
export function lastEventEnd(bytes: Uint8Array): number {
  for (let i = bytes.length - 1; i > 0; i--) {
    if (bytes[i] !== LF) continue;
    // "\n\n" (LF framing) or "\n\r\n" (CRLF framing: ...\r\n\r\n).
    if (bytes[i - 1] === LF || (bytes[i - 1] === CR && bytes[i - 2] === LF)) return i + 1;
  }
  return 0;
}

export class SseBoundary {
  /** The unfinished event, as the chunks it came in (no copying while it grows byte by byte). */
  private held: Uint8Array[] = [];

  /** The complete events of what is held plus `chunk`; keeps the rest. */
  push(chunk: Uint8Array): Uint8Array | undefined {
    let end = lastEventEnd(chunk);
    if (end === 0 && this.held.length > 0) end = this.endAcrossChunks(chunk);
    if (end === 0) {
      this.held.push(chunk);
      return undefined;
    }
    const out = this.held.length === 0 ? chunk.subarray(0, end) : concatBytes([...this.held, chunk.subarray(0, end)]);
    this.held = end < chunk.length ? [chunk.subarray(end)] : [];
    return out;
  }

  /** The stream ended cleanly: whatever is held goes out as it came. */
  flush(): Uint8Array | undefined {
    const rest = this.held.length === 0 ? undefined : concatBytes(this.held);
    this.held = [];
    return rest;
  }

  /** The stream broke: the unfinished event is dropped. */
  discard(): void {
    this.held = [];
  }

  /** A blank line split between chunks ("\n" | "\n", "\r\n\r" | "\n", ...): its end in `chunk`, or 0. */
  private endAcrossChunks(chunk: Uint8Array): number {
    const before: number[] = [];
    for (let i = this.held.length - 1; i >= 0 && before.length < 2; i--) {
      const part = this.held[i] as Uint8Array;
      for (let j = part.length - 1; j >= 0 && before.length < 2; j--) before.unshift(part[j] as number);
    }
    const window = Uint8Array.from([...before, ...chunk.subarray(0, 2)]);
    const end = lastEventEnd(window) - before.length;
    return end > 0 ? end : 0;
  }
}
