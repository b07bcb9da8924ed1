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

/** The response's attached chunk source if its fetch provided one, else its web stream. */
export function responseChunks(response: Response): ChunkSource | ReadableStream<Uint8Array> | null {
  const native = (response as Response & { [NATIVE_CHUNKS]?: ChunkSource })[NATIVE_CHUNKS];
  return native ?? response.body;
}
