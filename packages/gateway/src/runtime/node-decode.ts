/**
 * Content decoding for the Node fetch, as WHATWG fetch does it: relays and CDNs compress
 * answers the gateway never asked to be compressed, and the pipeline (usage accounting, error
 * classification, SSE error events) must see the bytes the upstream meant.
 */
import { pipeline, type Readable, Transform as StreamTransform, type Transform } from "node:stream";
import { promisify } from "node:util";
import {
  brotliDecompress,
  createBrotliDecompress,
  createInflate,
  createInflateRaw,
  createUnzip,
  inflate,
  inflateRaw,
  unzip,
} from "node:zlib";

const DECODABLE = new Set(["gzip", "x-gzip", "deflate", "br"]);

/** Whether every coding in a `content-encoding` value (e.g. `gzip` or `deflate, gzip`) can be undone. */
export function isDecodable(encoding: string): boolean {
  return codings(encoding).every((coding) => DECODABLE.has(coding));
}

// Strict (zlib's default end-of-input check): a compressed body that stops before its end is a
// broken answer — it fails over, or ends the stream with an error event — never a silently
// shortened one.

/** Decodes a whole body. `deflate` is zlib-wrapped by the standard, raw in some servers: both are read. */
export async function decodeBytes(bytes: Uint8Array, encoding: string): Promise<Uint8Array> {
  let out: Uint8Array = bytes;
  for (const coding of codings(encoding).reverse()) {
    if (coding === "br") out = await promisify(brotliDecompress)(out);
    else if (coding === "deflate") out = await (isZlibWrapped(out) ? promisify(inflate) : promisify(inflateRaw))(out);
    else out = await promisify(unzip)(out);
  }
  return out;
}

/** Decodes a streamed body; destroying the returned stream destroys the source too. */
export function decodeBody(source: Readable, encoding: string): Readable {
  const decoders: Transform[] = codings(encoding)
    .reverse()
    .map((coding) =>
      coding === "br" ? createBrotliDecompress() : coding === "deflate" ? deflateDecoder() : createUnzip(),
    );
  // `pipeline` wires errors both ways: a reset upstream fails the reader, a destroyed reader
  // (client gone) releases the upstream. The callback marks every error as handled.
  return pipeline([source, ...decoders], () => {}) as unknown as Readable;
}

function codings(encoding: string): string[] {
  return encoding
    .toLowerCase()
    .split(",")
    .map((c) => c.trim())
    .filter((c) => c && c !== "identity");
}

function isZlibWrapped(bytes: Uint8Array): boolean {
  // RFC 1950: compression method 8 in the low nibble, header checksum divisible by 31.
  const [cmf = 0, flg = 0] = bytes;
  return (cmf & 0x0f) === 8 && ((cmf << 8) | flg) % 31 === 0;
}

/** A streaming `deflate` decoder that picks zlib or raw inflate from the first two bytes. */
function deflateDecoder(): Transform {
  let inner: Transform | undefined;
  let head = Buffer.alloc(0);
  const start = (outer: Transform, bytes: Buffer) => {
    inner = isZlibWrapped(bytes) ? createInflate() : createInflateRaw();
    inner.on("data", (chunk: Buffer) => outer.push(chunk));
    inner.on("error", (error) => outer.destroy(error));
    inner.write(bytes);
  };
  return new StreamTransform({
    transform(chunk: Buffer, _encoding, done) {
      if (inner) return inner.write(chunk, () => done());
      head = Buffer.concat([head, chunk]);
      if (head.byteLength >= 2) start(this, head);
      done();
    },
    flush(done) {
      if (!inner) {
        if (head.byteLength === 0) return done();
        start(this, head);
      }
      const decoder = inner as Transform;
      decoder.once("end", () => done());
      decoder.end();
    },
    destroy(error, done) {
      inner?.destroy();
      done(error);
    },
  });
}
