/**
 * Reads a Server-Sent Events body the way a client does, with `eventsource-parser` (the parser
 * the SDKs' own streams behave like), so a test asserts what a client would really see: events
 * split across chunks, `event:` names, multi-line `data:`, comments and a cut final event.
 *
 * Test-kit only. The gateway's hot path keeps its byte scanners (`proxy/sse-boundary.ts`,
 * `proxy/usage-event-filter.ts`): the client must get the upstream's bytes untouched, and a
 * parser hands back decoded strings (see BENCHMARKS.md, "Why the hot path scans SSE itself").
 */
import { createParser, type EventSourceMessage } from "eventsource-parser";

export interface SseEvent {
  /** The `event:` field, `"message"` when absent (as `EventSource` reports it). */
  event: string;
  data: string;
  id?: string;
}

/** Every complete event of an SSE text; an event the stream cut before its blank line is dropped. */
export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = createParser({ onEvent: (message) => events.push(toEvent(message)) });
  parser.feed(text);
  return events;
}

/** Reads a response body to its end and parses it as SSE. */
export async function readSse(response: Response): Promise<SseEvent[]> {
  return parseSse(await response.text());
}

/** The `data` of every event, e.g. to `JSON.parse` OpenAI chunks (`[DONE]` included). */
export async function readSseData(response: Response): Promise<string[]> {
  return (await readSse(response)).map((e) => e.data);
}

function toEvent(message: EventSourceMessage): SseEvent {
  const event: SseEvent = { event: message.event ?? "message", data: message.data };
  if (message.id !== undefined) event.id = message.id;
  return event;
}
