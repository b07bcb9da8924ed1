/**
 * Finds the id a successful answer created — a JSON answer's top-level `id`, or in a stream the
 * first `"id"` of its first events (the Responses API's `response.created` carries the new
 * response first) — and reports it, so the key that served it can be remembered (affinity.ts).
 * A stream is watched as it passes, never buffered: only its first bytes are looked at.
 */
import type { ChunkSource } from "../runtime/chunk-source.js";
import type { Answer } from "./attempt-result.js";

/** How far into a stream the created id is looked for. */
const STREAM_SCAN_BYTES = 64 * 1024;
/** Whole answers larger than this are not parsed for an id. */
const JSON_SCAN_BYTES = 4 * 1024 * 1024;

const ID_IN_STREAM = /"id"\s*:\s*"([^"\\]{1,256})"/;

/**
 * The answer, watched: `onId` is called with each id the answer names. In a JSON answer those are
 * the values at `fields`: `"id"`, `"output_file_id"`, `"file.id"` (nested), `"data[].id"` (each
 * item of a list); in a stream, its first id.
 */
export function watchCreatedId(answer: Answer, onId: (id: string) => void, fields: readonly string[] = ["id"]): Answer {
  if (answer.kind === "bodiless") return answer;
  if (answer.kind === "whole") {
    for (const id of idsOfJson(answer.bytes, fields)) onId(id);
    return answer;
  }
  const scan = new StreamIdScan(onId);
  if (answer.first && scan.push(answer.first)) return answer;
  return { ...answer, source: scanningSource(answer.source, scan) };
}

function idsOfJson(bytes: Uint8Array, fields: readonly string[]): string[] {
  if (bytes.byteLength === 0 || bytes.byteLength > JSON_SCAN_BYTES) return [];
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return [];
  }
  const ids: string[] = [];
  for (const field of fields) collect(value, field.split("."), ids);
  return ids;
}

/** Pushes the string ids at `path` in `value` (`name[]` walks each item of an array). */
function collect(value: unknown, path: string[], ids: string[]): void {
  if (path.length === 0) {
    if (typeof value === "string" && value.length > 0 && value.length <= 256) ids.push(value);
    return;
  }
  if (typeof value !== "object" || value === null) return;
  const [head, ...rest] = path as [string, ...string[]];
  const name = head.endsWith("[]") ? head.slice(0, -2) : head;
  const next = (value as Record<string, unknown>)[name];
  if (!head.endsWith("[]")) collect(next, rest, ids);
  else if (Array.isArray(next)) for (const item of next.slice(0, 1000)) collect(item, rest, ids);
}

/** Looks through a stream's first bytes; `push` says when it is done (found or gave up). */
class StreamIdScan {
  private text = "";
  private readonly decoder = new TextDecoder();
  private seen = 0;
  done = false;

  constructor(private readonly onId: (id: string) => void) {}

  push(chunk: Uint8Array): boolean {
    if (this.done) return true;
    this.seen += chunk.byteLength;
    this.text += this.decoder.decode(chunk, { stream: true });
    const match = ID_IN_STREAM.exec(this.text);
    if (match) {
      this.done = true;
      this.onId(match[1] as string);
    } else if (this.seen >= STREAM_SCAN_BYTES) {
      this.done = true;
    }
    if (this.done) this.text = "";
    return this.done;
  }
}

function scanningSource(source: ChunkSource, scan: StreamIdScan): ChunkSource {
  return {
    async next() {
      const result = await source.next();
      if (!result.done && !scan.done) scan.push(result.value);
      return result;
    },
    cancel: (reason) => source.cancel(reason),
  };
}
