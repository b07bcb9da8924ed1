/** One non-empty line of text, trimmed, with its 1-based line number in the input. */
export interface Line {
  text: string;
  number: number;
}

/** Splits text (strings or chunks, e.g. `process.stdin`) into trimmed, non-empty lines. */
export async function* lines(input: AsyncIterable<string | Uint8Array> | Iterable<string>): AsyncGenerator<Line> {
  const decoder = new TextDecoder();
  let buffer = "";
  let number = 0;
  for await (const chunk of input) {
    buffer += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    // One cut per chunk, not per line: a whole backup passed as one string stays linear.
    let start = 0;
    for (let at = buffer.indexOf("\n"); at >= 0; at = buffer.indexOf("\n", start)) {
      const text = buffer.slice(start, at).trim();
      number++;
      if (text) yield { text, number };
      start = at + 1;
    }
    buffer = buffer.slice(start);
  }
  if (buffer.trim()) yield { text: buffer.trim(), number: number + 1 };
}

/**
 * Iterates until `signal` aborts, even while a read is pending: an import stopped by Ctrl-C must
 * not wait for input that may never come (a stalled pipe). A read still pending then is left to
 * settle on its own (its rejection swallowed); otherwise the source is closed (`return()`).
 */
export async function* untilAborted<T>(input: AsyncIterable<T>, signal?: AbortSignal): AsyncGenerator<T> {
  const iterator = input[Symbol.asyncIterator]();
  const aborted = new Promise<"aborted">((resolve) => {
    if (signal?.aborted) resolve("aborted");
    else signal?.addEventListener("abort", () => resolve("aborted"), { once: true });
  });
  let reading: Promise<IteratorResult<T>> | undefined;
  let done = false;
  try {
    while (!signal?.aborted) {
      reading = iterator.next();
      const next = await Promise.race([reading, aborted]);
      if (next === "aborted") return;
      reading = undefined;
      if (next.done) {
        done = true;
        return;
      }
      yield next.value;
    }
  } finally {
    if (reading) reading.catch(() => {});
    else if (!done) await iterator.return?.();
  }
}
