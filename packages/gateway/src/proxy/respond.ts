/**
 * The last step of a request: the client's response for a usable answer. A whole answer is done
 * at once; a stream is guarded (event-aligned, an explicit error event if it breaks, the usage
 * event the gateway asked for hidden) and the request is finished when its body ends.
 */
import { StreamResponse } from "../runtime/stream-response.js";
import type { Provider } from "../spec/provider.js";
import type { Answer } from "./attempt-result.js";
import { messagesStreamError } from "./messages-surface.js";
import { MessagesUsageReader, messagesUsageOfBody } from "./messages-usage.js";
import type { ProxyTarget } from "./proxy-types.js";
import { responsesStreamError } from "./responses-stream.js";
import { guardStream, nativeStreamError } from "./stream-guard.js";
import { type StreamUsage, UsageEventFilter } from "./usage-event-filter.js";

/** Ends the request with its final status (see `RequestHooks.after`). */
export type Finish = (status: number, tail?: Uint8Array[], usage?: StreamUsage, sent?: SentBody) => void;

/** What went out to the client, for the request log. */
export interface SentBody {
  streamed: boolean;
  bytes: number;
  /** Why a stream broke off. */
  error?: string;
  /** The body's first bytes, when this request's bodies are sampled. */
  head?: Uint8Array;
}

export interface RespondInput {
  answer: Answer;
  target: ProxyTarget;
  provider: Provider;
  /** The gateway asked the stream for its usage event; the client must not see it. */
  addUsage: boolean;
  finish: Finish;
  /** Sample the response's first this many bytes for the request log. */
  sampleBytes?: number;
}

/** How much of a whole answer's end is kept to read its token usage from. */
const TAIL_BYTES = 4096;

export function respond({ answer, target, provider, addUsage, finish, sampleBytes }: RespondInput): Response {
  const { status, headers } = answer;
  if (answer.kind === "whole") {
    const { bytes } = answer;
    const counted = countsMessages(target) ? messagesUsageOfBody(bytes) : undefined;
    const head = sampleBytes ? bytes.slice(0, sampleBytes) : undefined;
    const sent = { streamed: false, bytes: bytes.byteLength, head };
    finish(status, [bytes.subarray(Math.max(0, bytes.byteLength - TAIL_BYTES))], counted, sent);
    return new Response(bytes as Uint8Array<ArrayBuffer>, { status, headers });
  }
  if (answer.kind === "bodiless") {
    finish(status, undefined, undefined, { streamed: false, bytes: 0 });
    return new Response(null, { status, headers });
  }
  const { signal } = answer;
  const usageFilter = addUsage && answer.sse ? new UsageEventFilter() : undefined;
  // A Messages stream's input count comes first, long before the tail: read as it passes.
  const messagesUsage = countsMessages(target) ? new MessagesUsageReader() : undefined;
  if (messagesUsage && answer.first) messagesUsage.push(answer.first);
  const guarded = guardStream(messagesUsage ? messagesUsage.watch(answer.source) : answer.source, {
    first: answer.first,
    sse: answer.sse,
    usageFilter,
    errorEvent: errorEventOf(target, provider),
    // OpenAI-style chat and text streams always end with `data: [DONE]`; one that stops cleanly
    // without it was cut (a close-delimited body cannot tell otherwise).
    expectDone: target.api === "openai" && (target.path === "/chat/completions" || target.path === "/completions"),
    captureHead: sampleBytes,
    onEnd: ({ ok, tail, bytes, error, head }) => {
      signal.settle();
      const sent = { streamed: true, bytes, head, ...(ok ? {} : { error: streamErrorOf(error) }) };
      finish(ok ? status : 502, ok ? tail : undefined, usageFilter?.usage ?? messagesUsage?.usage, sent);
    },
    onCancel: () => signal.abort(new Error("client disconnected")),
  });
  return new StreamResponse(guarded, { status, headers });
}

function streamErrorOf(error: unknown): string {
  const reason = error instanceof Error ? error.message : error === undefined ? "client disconnected" : String(error);
  return `Stream ended early: ${reason}`;
}

/** The stream error event in the client's API shape (OpenAI's when undefined). */
function errorEventOf(target: ProxyTarget, provider: Provider) {
  if (target.api === "native" || target.api === "pass-through") return nativeStreamError(provider);
  if (target.api === "messages") return messagesStreamError;
  if (target.api === "responses") return responsesStreamError;
  return undefined;
}

/** Messages answers carry token counts; `count_tokens` answers a count, not a usage. */
function countsMessages(target: ProxyTarget): boolean {
  return target.api === "messages" && target.path === "/messages";
}
