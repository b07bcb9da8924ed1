/**
 * Runtimes' fetch implementations decode most compressed answers but not all: workerd leaves
 * `deflate` as it came, and every runtime keeps the `content-encoding` header either way. An
 * upstream (typically a relay) may compress although nobody asked. The pipeline must hand the
 * client readable bytes and read usage from them, so a body still carrying its encoding's
 * signature is decoded here with the web-standard `DecompressionStream`. JSON and SSE text never
 * start with those signatures, so an already decoded body passes untouched.
 */
import { type ChunkSource, chunkSourceOf, webStreamOf } from "../runtime/chunk-source.js";

type Format = "gzip" | "deflate";

/** The format a body still has, from the first bytes, if its header claims one we can undo. */
export function leftoverEncoding(contentEncoding: string | null, first: Uint8Array): Format | undefined {
  const coding = contentEncoding?.trim().toLowerCase();
  if (!coding || coding === "identity") return undefined;
  const [a = 0, b = 0] = first;
  if ((coding === "gzip" || coding === "x-gzip") && a === 0x1f && b === 0x8b) return "gzip";
  // RFC 1950 zlib header: method 8, header checksum divisible by 31.
  if (coding === "deflate" && (a & 0x0f) === 8 && ((a << 8) | b) % 31 === 0) return "deflate";
  return undefined;
}

/**
 * A chunk source over `source` that decodes it when its first chunk shows the encoding was left
 * on; otherwise the same chunks. `first` is that chunk, already read.
 */
export function decodeLeftover(source: ChunkSource, first: Uint8Array, format: Format): ChunkSource {
  const encoded = webStreamOf(source, first);
  return chunkSourceOf(
    encoded.pipeThrough(new DecompressionStream(format) as unknown as TransformStream<Uint8Array, Uint8Array>),
  );
}

/** Decodes a whole body that still carries its encoding. */
export async function decodeLeftoverBytes(bytes: Uint8Array, format: Format): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream(format));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
