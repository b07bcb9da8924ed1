/**
 * The minimal reader the stream guard needs. A web stream provides it through its reader; a
 * runtime's fetch may attach a cheaper one to its Response under `NATIVE_CHUNKS` (Node: undici's
 * body read directly), so a proxied stream passes through one web stream instead of two.
 */
export interface ChunkSource {
  next(): Promise<{ done: true; value?: undefined } | { done: false; value: Uint8Array }>;
  /** Stops reading and releases the upstream; never throws. */
  cancel(reason?: unknown): Promise<void>;
}

export const NATIVE_CHUNKS: unique symbol = Symbol.for("keyhive.nativeChunks") as never;

export function chunkSourceOf(stream: ReadableStream<Uint8Array>): ChunkSource {
  const reader = stream.getReader();
  return {
    next: () => reader.read() as ReturnType<ChunkSource["next"]>,
    cancel: (reason) => reader.cancel(reason).catch(() => {}),
  };
}

/** A web stream over a chunk source, optionally starting with chunks already read. */
export function webStreamOf(source: ChunkSource, ...first: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of first) controller.enqueue(chunk);
    },
    async pull(controller) {
      try {
        const next = await source.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      } catch (error) {
        controller.error(error);
      }
    },
    cancel: (reason) => source.cancel(reason),
  });
}

/** The response's attached chunk source if its fetch provided one, else its web stream. */
export function responseChunks(response: Response): ChunkSource | ReadableStream<Uint8Array> | null {
  const native = (response as Response & { [NATIVE_CHUNKS]?: ChunkSource })[NATIVE_CHUNKS];
  return native ?? response.body;
}
