/**
 * JSON answers whose length the upstream did not announce (chunked, or ended by closing the
 * connection). A close-delimited body that stops early looks complete on the wire; only its JSON
 * can tell. Answers up to a limit are therefore read whole and parsed before the client sees a
 * byte — a cut one fails over like any failed attempt. Larger ones stream as they come.
 */
import type { ChunkSource } from "../runtime/chunk-source.js";
import { concatBytes } from "../util/bytes.js";

const decoder = new TextDecoder();

export function isJsonType(contentType: string | null): boolean {
  const type = contentType?.split(";")[0]?.trim().toLowerCase() ?? "";
  return type === "application/json" || type.endsWith("+json");
}

/** The whole answer if it ends within `limit` bytes, else what was read so far (to stream on). */
export async function readJsonAnswer(
  source: ChunkSource,
  first: Uint8Array,
  limit: number,
): Promise<{ whole: Uint8Array } | { prefix: Uint8Array }> {
  const parts = [first];
  let size = first.byteLength;
  while (size <= limit) {
    const next = await source.next();
    if (next.done) return { whole: concatBytes(parts) };
    parts.push(next.value);
    size += next.value.byteLength;
  }
  return { prefix: concatBytes(parts) };
}

export function isCompleteJson(bytes: Uint8Array): boolean {
  try {
    JSON.parse(decoder.decode(bytes));
    return true;
  } catch {
    return false;
  }
}
