/**
 * Token usage of a Messages answer: `input_tokens` (in `message_start.message.usage` of a stream,
 * in `usage` of a whole answer) and `output_tokens` (the last `message_delta.usage` of a stream,
 * which is cumulative). A stream's input count comes first, long before its tail, so streams are
 * watched chunk by chunk as they pass — never changed, never held.
 */
import type { ChunkSource } from "../runtime/chunk-source.js";
import type { StreamUsage } from "./usage-event-filter.js";

const INPUT = /"input_tokens"\s*:\s*(\d+)/g;
const OUTPUT = /"output_tokens"\s*:\s*(\d+)/g;
/** Enough of the previous chunk to find a count split across two reads. */
const CARRY = 48;
/** How much of a whole answer's end to read (usage comes last). */
const WHOLE_TAIL = 4096;

function lastCount(text: string, re: RegExp): number | undefined {
  let value: number | undefined;
  for (const m of text.matchAll(re)) value = Number(m[1]);
  return value;
}

/** Reads the counts of a Messages stream from the chunks it is shown. */
export class MessagesUsageReader {
  private readonly decoder = new TextDecoder();
  private carry = "";
  private input: number | undefined;
  private output: number | undefined;

  push(chunk: Uint8Array): void {
    const text = this.carry + this.decoder.decode(chunk, { stream: true });
    this.input = lastCount(text, INPUT) ?? this.input;
    this.output = lastCount(text, OUTPUT) ?? this.output;
    this.carry = text.slice(-CARRY);
  }

  /** The counts seen, or undefined when the stream carried none. */
  get usage(): StreamUsage | undefined {
    if (this.input === undefined && this.output === undefined) return undefined;
    return { promptTokens: this.input, completionTokens: this.output };
  }

  /** `source`, with every chunk it yields shown to this reader first. */
  watch(source: ChunkSource): ChunkSource {
    return {
      next: async () => {
        const next = await source.next();
        if (!next.done) this.push(next.value);
        return next;
      },
      cancel: (reason) => source.cancel(reason),
    };
  }
}

/** The counts of a whole Messages answer, read from its end. */
export function messagesUsageOfBody(bytes: Uint8Array): StreamUsage | undefined {
  const reader = new MessagesUsageReader();
  reader.push(bytes.subarray(Math.max(0, bytes.byteLength - WHOLE_TAIL)));
  return reader.usage;
}
