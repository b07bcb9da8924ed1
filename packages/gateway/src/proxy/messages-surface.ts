/**
 * The Messages surface (`POST /v1/messages`, `/v1/messages/count_tokens`) in the shape its
 * clients parse: every error the gateway itself makes there is `{"type":"error","error":
 * {"type","message"}}` with the matching error type, and a stream that breaks mid-answer ends
 * with an `event: error` in that shape. Answers pass through untouched.
 */
import type { GatewayError } from "../spec/errors.js";

/** The error types clients of the Messages API tell apart (their SDKs map them to classes). */
export type MessagesErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "request_too_large"
  | "rate_limit_error"
  | "api_error"
  | "overloaded_error";

/** The Messages error type of a gateway error, by its status. */
export function messagesErrorType(status: number): MessagesErrorType {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 413) return "request_too_large";
  if (status === 429) return "rate_limit_error";
  // No usable key (503) is the gateway being out of capacity: what `overloaded_error` means.
  if (status === 503 || status === 529) return "overloaded_error";
  if (status >= 500) return "api_error";
  return "invalid_request_error";
}

/** A gateway error as the Messages API answers errors; `retry-after` kept. */
export function messagesErrorResponse(error: GatewayError): Response {
  const body = { type: "error", error: { type: messagesErrorType(error.status), message: error.message } };
  const headers = new Headers({ "content-type": "application/json; charset=utf-8" });
  if (error.retryAfter !== undefined) headers.set("retry-after", String(Math.max(0, Math.ceil(error.retryAfter))));
  return new Response(JSON.stringify(body), { status: error.status, headers });
}

/** The event that ends a broken Messages stream (the API's own mid-stream failure event). */
export function messagesStreamError(message: string): string {
  const event = { type: "error", error: { type: "api_error", message } };
  return `event: error\ndata: ${JSON.stringify(event)}\n\n`;
}
