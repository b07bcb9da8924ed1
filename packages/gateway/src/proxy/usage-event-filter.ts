/**
 * Removes the usage-only SSE event (`"choices":[]` + `"usage"`) from an OpenAI-style stream whose
 * client did not ask for it (the gateway asked, to count tokens), and reports the usage.
 *
 * Hand-written rather than eventsource-parser: the parser yields decoded events, while the client
 * must receive every other event byte for byte as the upstream framed it.
 */
export interface StreamUsage {
  promptTokens?: number;
  completionTokens?: number;
}

export class UsageEventFilter {
  private buffer = "";
  private readonly decoder = new TextDecoder();
  private readonly encoder = new TextEncoder();
  usage: StreamUsage | undefined;

  /** Returns the bytes to forward now (whole events only), or undefined when all is held back. */
  push(chunk: Uint8Array): Uint8Array | undefined {
    // Fast path, nearly every chunk: whole events without the word "usage" pass untouched,
    // with no decoding or re-encoding.
    if (this.buffer === "" && endsWithBlankLine(chunk) && indexOfBytes(chunk, USAGE) < 0) return chunk;
    this.buffer += this.decoder.decode(chunk, { stream: true });
    let out = "";
    for (;;) {
      const end = eventEnd(this.buffer);
      if (end < 0) break;
      const event = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end);
      if (this.isUsageOnly(event)) continue;
      out += event;
    }
    return out ? this.encoder.encode(out) : undefined;
  }

  /** Whatever is left at the end of the stream. */
  end(): Uint8Array | undefined {
    const rest = this.buffer + this.decoder.decode();
    this.buffer = "";
    return rest && !this.isUsageOnly(rest) ? this.encoder.encode(rest) : undefined;
  }

  private isUsageOnly(event: string): boolean {
    if (!event.includes('"usage"') || !/"choices"\s*:\s*\[\s*\]/.test(event)) return false;
    const prompt = /"prompt_tokens"\s*:\s*(\d+)/.exec(event)?.[1];
    const completion = /"completion_tokens"\s*:\s*(\d+)/.exec(event)?.[1];
    this.usage = {
      promptTokens: prompt === undefined ? undefined : Number(prompt),
      completionTokens: completion === undefined ? undefined : Number(completion),
    };
    return true;
  }
}

/** Index just past the first complete SSE event (blank-line terminated), or -1. */
function eventEnd(text: string): number {
  const lf = text.indexOf("\n\n");
  const crlf = text.indexOf("\r\n\r\n");
  if (lf < 0) return crlf < 0 ? -1 : crlf + 4;
  if (crlf < 0 || lf < crlf) return lf + 2;
  return crlf + 4;
}

const USAGE = new TextEncoder().encode('"usage"');

function endsWithBlankLine(chunk: Uint8Array): boolean {
  const n = chunk.length;
  return (
    n >= 2 &&
    chunk[n - 1] === 0x0a &&
    (chunk[n - 2] === 0x0a || (n >= 4 && chunk[n - 2] === 0x0d && chunk[n - 3] === 0x0a))
  );
}

/** First index of `needle` in `haystack`, or -1 (chunks are small: a plain scan is fastest). */
function indexOfBytes(haystack: Uint8Array, needle: Uint8Array): number {
  const first = needle[0];
  const last = haystack.length - needle.length;
  outer: for (let i = 0; i <= last; i++) {
    if (haystack[i] !== first) continue;
    for (let j = 1; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
