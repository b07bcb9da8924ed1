/**
 * The wire shape each chaos behaviour gives a healthy payload: odd but complete for the healthy
 * behaviours, broken before or after the first byte for the failing ones.
 */
import { type WireAnswer, type WireRequest, type WireSseOptions, wire } from "@keyhive/gateway/testing";
import type { ChaosBehaviour, Payload, Settings } from "./openai-chaos-behaviours.js";
import { openAIWire } from "./openai-wire.js";

/** The healthy answer in its plainest shape. */
function plain(payload: Payload, sse: WireSseOptions = {}): WireAnswer {
  return payload.sse ? wire.sse(payload.events, sse) : wire.json(payload.value);
}

/** Offset of the middle of the body of `answer`. */
const half = (answer: WireAnswer) => Math.floor(Buffer.byteLength(answer.body ?? "") / 2);

/** The answer `behaviour` sends for `payload`. */
export function shape(
  behaviour: ChaosBehaviour,
  payload: Payload,
  request: WireRequest,
  settings: Settings,
): WireAnswer {
  return healthyShape(behaviour, payload, settings) ?? failingShape(behaviour, payload, request, settings);
}

/** A complete answer in an odd but legal shape; undefined for a failing behaviour. */
function healthyShape(behaviour: ChaosBehaviour, payload: Payload, settings: Settings): WireAnswer | undefined {
  const json = payload.sse ? undefined : JSON.stringify(payload.value);
  switch (behaviour) {
    case "ok":
    case "ok-big":
      return plain(payload);
    case "ok-chunked":
      return { ...plain(payload), framing: "chunked" };
    case "ok-close":
      return { ...plain(payload), framing: "close" };
    case "ok-gzip":
      return { ...plain(payload), encoding: "gzip" };
    case "ok-br":
      return { ...plain(payload), encoding: "br" };
    case "ok-deflate":
      return { ...plain(payload), encoding: "deflate" };
    case "ok-gzip-negotiated":
      return { ...plain(payload), encoding: "gzip", onlyIfAccepted: true };
    case "ok-crlf":
      return payload.sse
        ? plain(payload, { crlf: true })
        : { body: JSON.stringify(payload.value, null, 2).replace(/\n/g, "\r\n") };
    case "ok-comments":
      // Some relays (OpenRouter) keep a slow JSON answer alive with leading whitespace.
      return payload.sse ? plain(payload, { comments: true }) : { body: `\n\n\n${json}`, splitAt: [1, 2, 3] };
    case "ok-multiline":
      return payload.sse ? plain(payload, { multilineData: true }) : { body: JSON.stringify(payload.value, null, 2) };
    case "ok-one-byte":
      return { ...plain(payload), chunkSize: 1, splitAt: undefined };
    case "ok-trickle": {
      const answer = plain(payload);
      const fifth = Math.ceil(Buffer.byteLength(answer.body ?? "") / 5);
      return { ...answer, chunkDelayMs: settings.trickleMs, ...(payload.sse ? {} : { chunkSize: fifth }) };
    }
    case "ok-slow-headers":
      return { ...plain(payload), headerDelayMs: settings.okSlowHeadersMs };
    default:
      return undefined;
  }
}

/** An error answer, or a healthy one broken on the way (reset, cut, too slow). */
function failingShape(
  behaviour: ChaosBehaviour,
  payload: Payload,
  request: WireRequest,
  settings: Settings,
): WireAnswer {
  switch (behaviour) {
    case "invalid": {
      const key = request.key ? `${request.key.slice(0, 3)}***${request.key.slice(-4)}` : "none";
      const message = `Incorrect API key provided: ${key}. You can find your API key at https://platform.openai.com/account/api-keys.`;
      return openAIWire.error(401, message, "invalid_request_error", "invalid_api_key");
    }
    case "no-quota": {
      const message = "You exceeded your current quota, please check your plan and billing details.";
      return openAIWire.error(429, message, "insufficient_quota", "insufficient_quota");
    }
    case "rate-limited":
      return openAIWire.rateLimited({ retryAfter: "seconds", seconds: 1 });
    case "rate-limited-date":
      return openAIWire.rateLimited({ retryAfter: "date", seconds: 2 });
    case "server-error":
      return openAIWire.error(500, "The server had an error while processing your request.", "server_error", null);
    case "html-502":
    case "html-503":
    case "html-504":
    case "html-520":
      return wire.htmlError(Number(behaviour.slice("html-".length)));
    case "empty-200":
      return { status: 200, body: "" };
    default:
      return brokenShape(behaviour, payload, settings);
  }
}

/** A healthy answer that resets, stalls or stops before it is complete. */
function brokenShape(behaviour: ChaosBehaviour, payload: Payload, settings: Settings): WireAnswer {
  const json = payload.sse ? undefined : JSON.stringify(payload.value);
  switch (behaviour) {
    case "reset-before-headers":
      return { reset: "before-headers" };
    case "reset-after-headers":
      return { ...plain(payload), reset: "after-headers" };
    case "reset-mid-body": {
      const answer = plain(payload);
      return { ...answer, reset: { afterBytes: half(answer) } };
    }
    case "slow-headers":
      return { ...plain(payload), headerDelayMs: settings.slowHeadersMs };
    case "reset-mid-event": {
      const answer = plain(payload);
      // Event ends are the SSE answer's split points: two whole events, then half of the third.
      const [, second = 0, third = second] = answer.splitAt ?? [];
      const afterBytes = payload.sse ? second + Math.max(1, Math.floor((third - second) / 2)) : half(answer);
      return { ...answer, reset: { afterBytes } };
    }
    case "cut-mid-stream": {
      if (payload.sse) return wire.sse(payload.events.slice(0, 3), { done: false, framing: "close" });
      return { body: (json ?? "").slice(0, Math.floor((json ?? "").length / 2)), framing: "close" };
    }
    default:
      throw new Error(`openAIChaosRoute: no shape for behaviour ${behaviour}`);
  }
}
