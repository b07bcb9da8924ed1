/**
 * An optional fast path between a runtime's fetch and the pipeline: a fetch that has already
 * read a small body whole may attach the bytes to its Response under this well-known symbol, so
 * the pipeline uses them instead of reading the body again through a web stream. Any fetch may
 * provide it; none has to.
 */
export const BUFFERED_BODY: unique symbol = Symbol.for("keyhive.bufferedBody") as never;

/** The bytes a fetch attached, if any. */
export function bufferedBodyOf(response: Response): Uint8Array | undefined {
  return (response as Response & { [BUFFERED_BODY]?: Uint8Array })[BUFFERED_BODY];
}
